// A small POSIX shell for the simulated hosts: enough of `sh -c` to run what wavewatch and plan
// rollback steps send — quoting ('…', "…", \), `VAR=value cmd`, `!`, `;`, `&&`, `||`, `|`,
// redirections to /dev/null and between stdout/stderr, `timeout`, `sh -c`, `sleep`. Nothing is
// ever evaluated twice: a quoted word stays one argument, so hostile names stay names.
// The syntax (words, operators, and-or lists of pipelines) is shell-syntax.ts; this file runs it.
import { parse, ShellSyntaxError, type AndOr, type Pipeline, type SimpleCommand } from './shell-syntax';

export interface ShellResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ShellContext {
  env: Record<string, string>;
  stdin: string;
  signal: AbortSignal;
}

/** A program the simulated host knows: args without the program name. */
export type Program = (args: string[], ctx: ShellContext) => ShellResult | Promise<ShellResult>;

/** Runs a script; `programs` are the host's commands. Builtins: true, false, :, echo, exit, sh, timeout, sleep, env, command. */
export class SimShell {
  constructor(private readonly programs: Record<string, Program>) {}

  async run(script: string, ctx: ShellContext): Promise<ShellResult> {
    let list: AndOr[];
    try {
      list = parse(script);
    } catch (err) {
      if (err instanceof ShellSyntaxError) return { code: 2, stdout: '', stderr: `${err.message}\n` };
      throw err;
    }
    let stdout = '';
    let stderr = '';
    let code = 0;
    try {
      for (const andor of list) {
        let r = await this.pipeline(andor.first, ctx);
        stdout += r.stdout;
        stderr += r.stderr;
        code = r.code;
        for (const { op, pipeline } of andor.rest) {
          if ((op === '&&' && code !== 0) || (op === '||' && code === 0)) continue;
          r = await this.pipeline(pipeline, ctx);
          stdout += r.stdout;
          stderr += r.stderr;
          code = r.code;
        }
      }
    } catch (e) {
      if (e instanceof ExitWith) return { code: e.code, stdout: stdout + e.stdout, stderr: stderr + e.stderr };
      throw e;
    }
    return { code, stdout, stderr };
  }

  private async pipeline(pl: Pipeline, ctx: ShellContext): Promise<ShellResult> {
    let stdin = ctx.stdin;
    let stderr = '';
    let last: ShellResult = { code: 0, stdout: '', stderr: '' };
    for (const c of pl.commands) {
      last = await this.simple(c, { ...ctx, stdin });
      stdin = last.stdout;
      stderr += last.stderr;
    }
    const code = pl.negate ? (last.code === 0 ? 1 : 0) : last.code;
    return { code, stdout: last.stdout, stderr };
  }

  private async simple(c: SimpleCommand, ctx: ShellContext): Promise<ShellResult> {
    const env = { ...ctx.env, ...c.assigns };
    if (c.words.length === 0) {
      Object.assign(ctx.env, c.assigns);
      return { code: 0, stdout: '', stderr: '' };
    }
    let r: ShellResult;
    try {
      r = await this.invoke(c.words, { ...ctx, env });
    } catch (e) {
      if (e instanceof ExitWith) {
        const red = redirect({ code: e.code, stdout: e.stdout, stderr: e.stderr }, c.redirects);
        throw new ExitWith(red.code, red.stdout, red.stderr);
      }
      throw e;
    }
    return redirect(r, c.redirects);
  }

  /** Runs argv with the builtins and the host's programs. */
  async invoke(words: string[], ctx: ShellContext): Promise<ShellResult> {
    const [name, ...args] = words;
    if (ctx.signal.aborted) return { code: 137, stdout: '', stderr: '' };
    switch (name) {
      case 'true':
      case ':':
        return { code: 0, stdout: '', stderr: '' };
      case 'false':
        return { code: 1, stdout: '', stderr: '' };
      case 'echo': {
        let a = args;
        let nl = '\n';
        if (a[0] === '-n') {
          nl = '';
          a = a.slice(1);
        }
        return { code: 0, stdout: a.join(' ') + nl, stderr: '' };
      }
      case 'exit':
        throw new ExitWith(args[0] !== undefined ? Number(args[0]) & 255 : 0, '', '');
      case 'sh':
      case 'bash':
      case '/bin/sh': {
        if (args[0] !== '-c' || args[1] === undefined) return { code: 2, stdout: '', stderr: `${name}: only "-c SCRIPT" is supported by the simulator\n` };
        return this.run(args[1], ctx);
      }
      case 'env': {
        const env = { ...ctx.env };
        let i = 0;
        while (i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i])) {
          const eq = args[i].indexOf('=');
          env[args[i].slice(0, eq)] = args[i].slice(eq + 1);
          i++;
        }
        if (i >= args.length) return { code: 0, stdout: Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''), stderr: '' };
        return this.invoke(args.slice(i), { ...ctx, env });
      }
      case 'command': {
        if (args[0] === '-v' && args[1]) {
          const known = ['true', 'false', 'echo', 'sh', 'env', 'timeout', 'sleep', ...Object.keys(this.programs)].includes(args[1]);
          return known ? { code: 0, stdout: `/usr/bin/${args[1]}\n`, stderr: '' } : { code: 1, stdout: '', stderr: '' };
        }
        return this.invoke(args, ctx);
      }
      case 'sleep': {
        const secs = Number(args[0]);
        if (!Number.isFinite(secs) || secs < 0) return { code: 1, stdout: '', stderr: `sleep: invalid time interval '${args[0]}'\n` };
        const ok = await delay(secs * 1000, ctx.signal);
        return ok ? { code: 0, stdout: '', stderr: '' } : { code: 137, stdout: '', stderr: '' };
      }
      case 'timeout':
        return this.timeout(args, ctx);
    }
    const prog = this.programs[name];
    if (!prog) return { code: 127, stdout: '', stderr: `sh: 1: ${name}: not found\n` };
    return prog(args, ctx);
  }

  /** GNU timeout: `timeout [-s SIG] [-k DUR] DURATION COMMAND…`; exit 124 (TERM) or 128+9 (KILL) when it fires. */
  private async timeout(args: string[], ctx: ShellContext): Promise<ShellResult> {
    let sig = 'TERM';
    let i = 0;
    while (i < args.length && args[i].startsWith('-')) {
      if (args[i] === '-s' || args[i] === '--signal') {
        sig = args[i + 1] ?? 'TERM';
        i += 2;
      } else if (args[i].startsWith('--signal=')) {
        sig = args[i].slice(9);
        i++;
      } else if (args[i] === '-k') i += 2;
      else if (args[i] === '--foreground' || args[i] === '--preserve-status' || args[i] === '-v') i++;
      else return { code: 125, stdout: '', stderr: `timeout: invalid option -- '${args[i]}'\n` };
    }
    const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(args[i] ?? '');
    if (!m) return { code: 125, stdout: '', stderr: `timeout: invalid time interval '${args[i] ?? ''}'\n` };
    const secs = Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[m[2]];
    const cmd = args.slice(i + 1);
    if (cmd.length === 0) return { code: 125, stdout: '', stderr: 'timeout: missing operand\n' };
    const ac = new AbortController();
    const onOuter = () => ac.abort();
    ctx.signal.addEventListener('abort', onOuter, { once: true });
    let fired = false;
    const timer = secs > 0 ? setTimeout(() => {
      fired = true;
      ac.abort();
    }, secs * 1000) : null;
    try {
      const r = await this.invoke(cmd, { ...ctx, signal: ac.signal }).catch((e) => {
        if (e instanceof ExitWith) return { code: e.code, stdout: e.stdout, stderr: e.stderr };
        throw e;
      });
      if (fired) return { code: sig === 'KILL' || sig === '9' || sig === 'SIGKILL' ? 137 : 124, stdout: r.stdout, stderr: r.stderr };
      return r;
    } finally {
      if (timer) clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onOuter);
    }
  }
}

class ExitWith extends Error {
  constructor(
    readonly code: number,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super('exit');
  }
}

function redirect(r: ShellResult, redirects: SimpleCommand['redirects']): ShellResult {
  let out = r.stdout;
  let err = r.stderr;
  // Applied left to right over the two streams' destinations (enough for >/dev/null 2>&1 and >&2).
  let outTo: 'out' | 'err' | 'null' = 'out';
  let errTo: 'out' | 'err' | 'null' = 'err';
  for (const rd of redirects) {
    const dest: 'out' | 'err' | 'null' = typeof rd.to === 'number' ? (rd.to === 1 ? outTo : rd.to === 2 ? errTo : 'null') : rd.to === '/dev/null' ? 'null' : 'null';
    if (rd.fd === 1) outTo = dest;
    else if (rd.fd === 2) errTo = dest;
  }
  const res = { code: r.code, stdout: '', stderr: '' };
  const put = (text: string, to: 'out' | 'err' | 'null') => {
    if (to === 'out') res.stdout += text;
    else if (to === 'err') res.stderr += text;
  };
  put(out, outTo);
  put(err, errTo);
  out = err = '';
  return res;
}

function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
