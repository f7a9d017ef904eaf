// The plan's `agents.errorPattern` is an operator's regular expression that the worker runs against
// host-written text: every journal message of every agent on every host, at every tick. JavaScript's
// engine backtracks and has no time limit, so one pattern that backtracks badly on some line stalls
// the worker's event loop (heartbeats stop, the collection times out, and so does every tick after).
// No linear-time engine is available here (RE2 is not a dependency; V8's is experimental), so the
// cost is bounded in two halves:
// - the collector matches at most ERROR_MATCH_CHARS of a message (collect/hosts/parse/journal.ts);
// - the plan refuses the shapes whose cost is not polynomial in that length, or whose degree is
//   above two: backreferences, a repeated group that itself repeats or branches ("(a+)+",
//   "(a|ab)*"), more than one open-ended repeat ("*", "+", "{n,}", "{n,m}": two of them can try every
//   split of a line between them), and too many ways to match at one place (alternatives and
//   optional parts multiply).
// What remains costs at most about ERROR_MATCH_CHARS² × MAX_WAYS_WITH_REPEAT steps per message.

/** Flags the collector compiles the pattern with; validation compiles it the same way. */
export const ERROR_PATTERN_FLAGS = 'i';

/** The pattern is matched against at most this many characters of each journal message. */
export const ERROR_MATCH_CHARS = 2048;

/** Ways a pattern may match at one position: alternatives add, optional parts and sequences multiply. */
const MAX_WAYS = 256;
/** The same, for a pattern with an open-ended repeat (each way may scan the rest of the line). */
const MAX_WAYS_WITH_REPEAT = 16;

interface Shape {
  ways: number;
  /** Open-ended repeats (*, +, {n,}, {n,m}). */
  repeats: number;
  quantified: boolean;
  branches: boolean;
}

class Refused extends Error {}

const CAP = 1e9;
const mul = (a: number, b: number) => Math.min(CAP, a * b);

/** A recursive-descent reading of a pattern that already compiled: only its shape matters here. */
function shapeOf(src: string): Shape {
  let i = 0;
  const alternation = (): Shape => {
    const parts = [sequence()];
    while (src[i] === '|') {
      i++;
      parts.push(sequence());
    }
    return {
      ways: Math.min(CAP, parts.reduce((n, p) => n + p.ways, 0)),
      repeats: parts.reduce((n, p) => n + p.repeats, 0),
      quantified: parts.some((p) => p.quantified),
      branches: parts.length > 1 || parts.some((p) => p.branches),
    };
  };
  const sequence = (): Shape => {
    const s: Shape = { ways: 1, repeats: 0, quantified: false, branches: false };
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      const a = quantify(atom());
      s.ways = mul(s.ways, a.ways);
      s.repeats += a.repeats;
      s.quantified ||= a.quantified;
      s.branches ||= a.branches;
    }
    return s;
  };
  const plain = (): Shape => ({ ways: 1, repeats: 0, quantified: false, branches: false });
  const atom = (): Shape => {
    const c = src[i];
    if (c === '\\') {
      const next = src[i + 1];
      if (/[1-9]/.test(next) || (next === 'k' && src[i + 2] === '<')) throw new Refused('backreferences (\\1, \\k<name>) are refused: they make matching backtrack without bound');
      i += 2;
      return plain();
    }
    if (c === '[') {
      i++;
      if (src[i] === '^') i++;
      while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
      i++;
      return plain();
    }
    if (c === '(') {
      i++;
      if (src[i] === '?') {
        // (?:, (?=, (?!, (?<=, (?<!, (?<name>
        i++;
        if (src[i] === '<' && src[i + 1] !== '=' && src[i + 1] !== '!') i = src.indexOf('>', i) + 1;
        else i += src[i] === '<' ? 2 : 1;
      }
      const inner = alternation();
      i++; // ')'
      return inner;
    }
    i++;
    return plain();
  };
  const quantify = (a: Shape): Shape => {
    const c = src[i];
    let min: number;
    let max: number;
    if (c === '*' || c === '+' || c === '?') {
      [min, max] = c === '*' ? [0, Infinity] : c === '+' ? [1, Infinity] : [0, 1];
      i++;
    } else {
      const m = c === '{' ? /^\{(\d+)(?:(,)(\d*))?\}/.exec(src.slice(i)) : null;
      if (!m) return a;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      i += m[0].length;
    }
    if (src[i] === '?') i++; // lazy: same work in another order
    if (max <= 1) return { ...a, ways: min === max ? a.ways : Math.min(CAP, a.ways + 1), quantified: true };
    if (min === max) return { ways: Math.min(CAP, a.ways ** min), repeats: a.repeats * min, quantified: true, branches: a.branches };
    if (a.quantified || a.branches)
      throw new Refused('a repeated group may not itself repeat or branch (like "(a+)+" or "(a|ab)*"): that backtracks exponentially on some lines');
    return { ...a, repeats: a.repeats + 1, quantified: true };
  };
  const shape = alternation();
  return shape;
}

/** Why the pattern cannot be the plan's error pattern, in one line; null when it can. */
export function errorPatternProblem(pattern: string): string | null {
  if (pattern === '') return 'expected a pattern: an empty one matches every journal line (every line would count as an error)';
  let re: RegExp;
  try {
    re = new RegExp(pattern, ERROR_PATTERN_FLAGS);
  } catch (err) {
    return `not a valid regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
  if (re.test('')) return 'the pattern matches the empty string, so it matches every journal line (every line would count as an error)';
  let shape: Shape;
  try {
    shape = shapeOf(pattern);
  } catch (err) {
    if (err instanceof Refused) return err.message;
    throw err;
  }
  if (shape.repeats > 1)
    return `at most one open-ended repeat (*, +, {n,}, {n,m}) is allowed, found ${shape.repeats}: two can try every split of a line between them`;
  const limit = shape.repeats ? MAX_WAYS_WITH_REPEAT : MAX_WAYS;
  if (shape.ways > limit)
    return `the pattern can match at one place in ${shape.ways >= CAP ? 'too many' : shape.ways} ways (alternatives and optional parts multiply); at most ${limit}${shape.repeats ? ' with a repeat' : ''}`;
  return null;
}
