// The syntax of the simulated hosts' shell: words (quotes removed, quoting honoured) and operators,
// parsed into and-or lists of pipelines of simple commands. Pure; host-shell.ts runs them.

export type Token = { kind: 'word'; value: string; raw: string; quoted: boolean } | { kind: 'op'; value: string };

export class ShellSyntaxError extends Error {}

/** Splits a command line into words (quotes removed, quoting honoured) and operators. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (c === '\n') {
      out.push({ kind: 'op', value: ';' });
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === '&&' || two === '||' || two === '>>' || two === '>&') {
      if (two === '>&') {
        // >&2
        let j = i + 2;
        let fd = '';
        while (j < n && /\d/.test(src[j])) fd += src[j++];
        out.push({ kind: 'op', value: `1>&${fd || '1'}` });
        i = j;
        continue;
      }
      out.push({ kind: 'op', value: two });
      i += 2;
      continue;
    }
    if (c === ';' || c === '|' || c === '>' || c === '<' || c === '(' || c === ')' || c === '&') {
      if (c === '(' || c === ')' || c === '&') throw new ShellSyntaxError(`sh: syntax "${c}" not supported by the simulator`);
      out.push({ kind: 'op', value: c });
      i++;
      continue;
    }
    // a word, possibly with a leading fd for redirection: 2>…, 2>&1
    let value = '';
    let raw = '';
    let quoted = false;
    const start = i;
    while (i < n) {
      const ch = src[i];
      if (ch === ' ' || ch === '\t' || ch === '\n' || ch === ';' || ch === '|' || ch === '&' || ch === '<' || ch === '(' || ch === ')') break;
      if (ch === '>') break;
      if (ch === "'") {
        const end = src.indexOf("'", i + 1);
        if (end < 0) throw new ShellSyntaxError('sh: 1: Syntax error: Unterminated quoted string');
        value += src.slice(i + 1, end);
        quoted = true;
        i = end + 1;
        continue;
      }
      if (ch === '"') {
        i++;
        quoted = true;
        let closed = false;
        while (i < n) {
          const d = src[i];
          if (d === '"') {
            closed = true;
            i++;
            break;
          }
          if (d === '\\' && i + 1 < n && '$`"\\\n'.includes(src[i + 1])) {
            if (src[i + 1] !== '\n') value += src[i + 1];
            i += 2;
            continue;
          }
          if (d === '$' || d === '`') throw new ShellSyntaxError('sh: expansions inside double quotes are not supported by the simulator');
          value += d;
          i++;
        }
        if (!closed) throw new ShellSyntaxError('sh: 1: Syntax error: Unterminated quoted string');
        continue;
      }
      if (ch === '\\') {
        if (i + 1 < n) {
          if (src[i + 1] !== '\n') value += src[i + 1];
          quoted = true;
          i += 2;
        } else i++;
        continue;
      }
      if (ch === '$' || ch === '`') throw new ShellSyntaxError('sh: parameter and command expansion are not supported by the simulator');
      if ((ch === '*' || ch === '?' || ch === '[') && !quoted) {
        // no globbing on the simulated host: the word stays as written (as sh does when nothing matches)
      }
      value += ch;
      i++;
    }
    raw = src.slice(start, i);
    if (i < n && src[i] === '>' && /^\d$/.test(raw)) {
      // fd redirection: 2> file, 2>&1
      if (src[i + 1] === '&') {
        let j = i + 2;
        let fd = '';
        while (j < n && /\d/.test(src[j])) fd += src[j++];
        out.push({ kind: 'op', value: `${raw}>&${fd}` });
        i = j;
      } else {
        out.push({ kind: 'op', value: `${raw}>` });
        i++;
      }
      continue;
    }
    out.push({ kind: 'word', value, raw, quoted });
  }
  return out;
}

export interface SimpleCommand {
  words: string[];
  assigns: Record<string, string>;
  redirects: { fd: number; to: string | number }[]; // to: file path or fd number
}
export interface Pipeline {
  negate: boolean;
  commands: SimpleCommand[];
}
export interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
}

export function parse(src: string): AndOr[] {
  const toks = tokenize(src);
  let p = 0;
  const list: AndOr[] = [];
  const peek = () => toks[p];
  const parseSimple = (): SimpleCommand => {
    const cmd: SimpleCommand = { words: [], assigns: {}, redirects: [] };
    for (;;) {
      const t = peek();
      if (!t) break;
      if (t.kind === 'op') {
        const m = /^(\d)?(>>|>|<)$/.exec(t.value) ?? (t.value === '>>' ? ['', '', '>>'] : null);
        const dup = /^(\d)>&(\d)$/.exec(t.value);
        if (dup) {
          cmd.redirects.push({ fd: Number(dup[1]), to: Number(dup[2]) });
          p++;
          continue;
        }
        if (m || t.value === '2>' || /^\d>$/.test(t.value)) {
          p++;
          const target = peek();
          if (!target || target.kind !== 'word') throw new ShellSyntaxError('sh: 1: Syntax error: redirection without a target');
          p++;
          const fd = /^(\d)/.exec(t.value)?.[1];
          if (t.value === '<') continue; // input from a file: ignored
          cmd.redirects.push({ fd: fd ? Number(fd) : 1, to: target.value });
          continue;
        }
        break;
      }
      p++;
      if (cmd.words.length === 0 && !t.quoted && /^[A-Za-z_][A-Za-z0-9_]*=/.test(t.raw)) {
        const eq = t.value.indexOf('=');
        cmd.assigns[t.value.slice(0, eq)] = t.value.slice(eq + 1);
        continue;
      }
      cmd.words.push(t.value);
    }
    return cmd;
  };
  const parsePipeline = (): Pipeline => {
    let negate = false;
    const t = peek();
    if (t && t.kind === 'word' && t.raw === '!') {
      negate = true;
      p++;
    }
    const commands = [parseSimple()];
    while (peek()?.kind === 'op' && peek()!.value === '|') {
      p++;
      commands.push(parseSimple());
    }
    for (const c of commands)
      if (c.words.length === 0 && Object.keys(c.assigns).length === 0) throw new ShellSyntaxError('sh: 1: Syntax error: missing command');
    return { negate, commands };
  };
  while (p < toks.length) {
    const t = peek();
    if (t.kind === 'op' && t.value === ';') {
      p++;
      continue;
    }
    const andor: AndOr = { first: parsePipeline(), rest: [] };
    for (;;) {
      const o = peek();
      if (o && o.kind === 'op' && (o.value === '&&' || o.value === '||')) {
        p++;
        andor.rest.push({ op: o.value as '&&' | '||', pipeline: parsePipeline() });
      } else break;
    }
    list.push(andor);
    const after = peek();
    if (after && !(after.kind === 'op' && after.value === ';')) throw new ShellSyntaxError(`sh: 1: Syntax error: "${after.value}" unexpected`);
  }
  return list;
}
