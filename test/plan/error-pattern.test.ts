// agents.errorPattern runs against host-written text: the plan refuses patterns that are invalid,
// match every line, or backtrack without bound, and the collector matches only the start of a long
// message, so what the plan accepts stays cheap on any line a host can write.
import { errorPatternProblem, ERROR_MATCH_CHARS } from '../../src/plan/error-pattern';
import { errorPatternOf, errorReason, parseJournalJson } from '../../src/collect/hosts/parse/journal';

describe('patterns operators write are accepted', () => {
  test.each([
    '\\berror\\b',
    'errors?\\b',
    '(?:error|fatal|panic|fail(?:ed|ure)?|crit(?:ical)?)',
    'level=(error|fatal)',
    'error.*(timeout|refused|reset)',
    '\\d{1,3} errors',
    '(?<=msg=)err',
    '(?:ab){3}',
  ])('%s', (p) => expect(errorPatternProblem(p)).toBeNull());
});

describe('patterns that cannot work or could stall the worker are refused, one line each', () => {
  test.each([
    ['(unclosed', /^not a valid regular expression: \/\(unclosed\/i: Unterminated group$/],
    ['', /^expected a pattern: an empty one matches every journal line/],
    ['x?', /^the pattern matches the empty string/],
    ['^', /^the pattern matches the empty string/],
    ['(a+)+x', /^a repeated group may not itself repeat or branch/],
    ['(a|ab)*c', /^a repeated group may not itself repeat or branch/],
    ['(\\w+)\\1', /^backreferences/],
    ['(?<w>a)\\k<w>', /^backreferences/],
    ['.*.*x', /^at most one open-ended repeat .* found 2/],
    ['\\s*\\s*x', /^at most one open-ended repeat/],
    ['(?:a+){2}x', /^at most one open-ended repeat/],
    ['(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)(a|a)x', /^the pattern can match at one place in 512 ways .* at most 256$/],
    ['(a|b|c|d)(a|b|c|d)(a|b).*x', /^the pattern can match at one place in 32 ways .* at most 16 with a repeat$/],
  ])('%p', (p, expected) => {
    const problem = errorPatternProblem(p);
    expect(problem).toMatch(expected);
    expect(problem).not.toContain('\n');
  });

  // The refusals are real: each of these shapes takes seconds on one line of ERROR_MATCH_CHARS.
  test('a refused shape is slow where an accepted one is not', () => {
    const line = 'a'.repeat(1024);
    const time = (p: string) => {
      const t = process.hrtime.bigint();
      new RegExp(p, 'i').test(line);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    expect(errorPatternProblem('a.*x')).toBeNull();
    expect(errorPatternProblem('a*a*x')).not.toBeNull();
    expect(time('a*a*x')).toBeGreaterThan(20 * Math.max(1, time('a.*x')));
  });
});

describe('the collector matches the start of a message only', () => {
  const entry = (message: string) => parseJournalJson(JSON.stringify({ __CURSOR: 'c1', PRIORITY: '6', MESSAGE: message })).entries[0];

  test('a pattern word within the first ERROR_MATCH_CHARS counts, one beyond does not', () => {
    const pattern = errorPatternOf('\\berror\\b');
    expect(errorReason(entry(`${'x'.repeat(ERROR_MATCH_CHARS - 7)} error`), pattern)).toBe('pattern');
    expect(errorReason(entry(`${'x'.repeat(ERROR_MATCH_CHARS)} error`), pattern)).toBeNull();
  });

  test('an accepted pattern stays fast on a 100 KB line a host wrote', () => {
    const pattern = errorPatternOf('a.*x');
    const t = Date.now();
    expect(errorReason(entry('a'.repeat(100_000)), pattern)).toBeNull();
    expect(Date.now() - t).toBeLessThan(2000);
  });
});
