// Scenario files: the format of issue 7, every fault kind's value, and one clear error per problem
// naming the field; every example scenario in scenarios/ is valid against plans/local.yaml.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlan } from '../../src/plan/load';
import { loadScenario, parseScenarioText, placeFaults, ScenarioError, type Scenario } from '../../src/sim/scenario';
import { FAULT_KINDS } from '../../src/sim/scenario-faults';

const plan = loadPlan(join(__dirname, '../../plans/local.yaml'));
const HOUR = 3_600_000;

function problems(text: string): string[] {
  try {
    parseScenarioText(text, plan, 'x.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as ScenarioError).problems;
  }
  throw new Error('expected the scenario to be rejected');
}

const one = (fault: string, extra = '') => parseScenarioText(`name: t\nfaults:\n  - { at: 1h, fault: ${fault}${extra} }\n`, plan).faults[0];

test('the example of issue 7 parses into a typed scenario', () => {
  const s = parseScenarioText(
    `name: some-name
faults:
  - at: 3h                      # offset from monitoring start
    for: 2h                     # optional; default: to the end
    target: { agent: network-expert, host: dgx-1 }   # either omitted = all; control agents too
    fault: latency              # see the list
    value: 150ms                # the fault's size, in its own unit
`,
    plan,
    'example.yaml',
  );
  expect(s).toEqual<Scenario>({
    name: 'some-name',
    file: 'example.yaml',
    faults: [
      {
        index: 0,
        fault: 'latency',
        latencyMs: 150,
        atMs: 3 * HOUR,
        forMs: 2 * HOUR,
        target: { agent: 'network-expert', host: 'dgx-1' },
        describe: 'latency +150ms on network-expert@dgx-1, T+3h for 2h',
      },
    ],
  });
});

test('every fault kind and its value', () => {
  expect(one('latency', ', value: 150ms')).toMatchObject({ fault: 'latency', latencyMs: 150 });
  expect(one('latency', ', value: 1s')).toMatchObject({ latencyMs: 1000 });
  expect(one('errors', ', value: 30/s')).toMatchObject({ fault: 'errors', perSecond: 30 });
  expect(one('errors', ', value: 120/m')).toMatchObject({ perSecond: 2 });
  expect(one('drop-replies', ', value: 5%')).toMatchObject({ fault: 'drop-replies', pct: 5 });
  expect(one('crash')).toMatchObject({ fault: 'crash', intervalMs: null, forMs: null });
  expect(one('crash', ', for: 2h')).toMatchObject({ fault: 'crash', intervalMs: null, forMs: 2 * HOUR });
  expect(one('crash', ', for: 2h, value: 30s')).toMatchObject({ fault: 'crash', intervalMs: 30_000 });
  expect(one('stop')).toMatchObject({ fault: 'stop', forMs: null });
  expect(one('stop', ', for: 30m')).toMatchObject({ fault: 'stop', forMs: 30 * 60_000 });
  expect(one('single-publish')).toMatchObject({ fault: 'single-publish', only: 'legacy' });
  expect(one('single-publish', ', value: unified')).toMatchObject({ only: 'unified' });
  expect(one('memory-growth', ', value: 4GB')).toMatchObject({ fault: 'memory-growth', bytesPerPlanHour: 4e9 });
  expect(one('memory-growth', ', value: 512MiB')).toMatchObject({ bytesPerPlanHour: 512 * 1024 ** 2 });
  expect(one('load', ', value: 3.5')).toMatchObject({ fault: 'load', load1: 3.5 });
  expect(one('load', ', value: "4"')).toMatchObject({ load1: 4 });
  expect(one('disk-fill', ', value: 95%')).toMatchObject({ fault: 'disk-fill', pct: 95 });
  expect(one('host-down')).toMatchObject({ fault: 'host-down', mode: 'refuse' });
  expect(one('host-down', ', value: hang')).toMatchObject({ mode: 'hang' });
  expect(one('nats-down', ', for: 20m')).toMatchObject({ fault: 'nats-down', forMs: 20 * 60_000 });
  expect(one('corrupt-payload', ', value: 10%')).toMatchObject({ fault: 'corrupt-payload', pct: 10 });
  expect(FAULT_KINDS).toHaveLength(12);
});

test('targets: either omitted means all; control agents may be targeted; at 0 and "0s" are the start', () => {
  const s = parseScenarioText(
    `name: t
faults:
  - { at: 0, fault: load, value: 3, target: { host: dgx-2 } }
  - { at: 0s, fault: latency, value: 50ms, target: { agent: nix-expert } }
  - { at: 1h30m, fault: corrupt-payload, value: 1% }
`,
    plan,
  );
  expect(s.faults.map((f) => [f.atMs, f.target, f.describe])).toEqual([
    [0, { host: 'dgx-2' }, 'load 3 on dgx-2, T+0s'],
    [0, { agent: 'nix-expert' }, 'latency +50ms on nix-expert on every host, T+0s'],
    [90 * 60_000, {}, 'corrupt-payload 1% on every agent on every host, T+1h30m'],
  ]);
});

test('an unknown fault, agent or host is rejected with the field named', () => {
  expect(problems(`name: t\nfaults:\n  - { at: 1h, fault: latncy, value: 5ms }\n`)).toEqual([
    'faults[0].fault: unknown fault "latncy"; expected one of latency, errors, drop-replies, crash, stop, single-publish, memory-growth, load, disk-fill, host-down, nats-down, corrupt-payload',
  ]);
  expect(problems(`name: t\nfaults:\n  - { at: 1h, fault: stop, target: { agent: dns-expert } }\n`)).toEqual([
    'faults[0].target.agent: unknown agent "dns-expert"; the plan\'s agents are network-expert, tdd-expert, nix-expert, qa-expert',
  ]);
  expect(problems(`name: t\nfaults:\n  - { at: 1h, fault: lag, target: { agent: dns-expert, host: dgx-1 } }\n`)).toEqual([
    expect.stringMatching(/^faults\[0\]\.fault: unknown fault "lag"/),
    'faults[0].target.agent: unknown agent "dns-expert"; the plan\'s agents are network-expert, tdd-expert, nix-expert, qa-expert',
  ]);
  expect(problems(`name: t\nfaults:\n  - { at: 1h, fault: load, value: 3, target: { host: dgx-9 } }\n`)).toEqual([
    'faults[0].target.host: unknown host "dgx-9"; the plan\'s hosts are dgx-1, dgx-2, dgx-3',
  ]);
});

test('every problem of a file at once, one line each', () => {
  const p = problems(`name: t
faults:
  - { at: 3, fault: latency, value: fast }
  - { at: 1h, for: 0s, fault: errors }
  - { at: 25h, fault: drop-replies, value: 150% }
  - { at: 1h, fault: load, value: high, target: { agent: tdd-expert } }
  - { at: 1h, fault: nats-down, target: { host: dgx-1 } }
  - { at: 1h, fault: stop, value: 5m }
  - { at: 1h, fault: crash, value: 30s }
  - { at: 1h, fault: disk-fill, value: 0.95 }
  - { at: 1h, fault: memory-growth, value: lots }
  - { at: 1h, fault: single-publish, value: both }
  - { at: 1h, fault: host-down, value: maybe }
  - { at: 1h, fault: corrupt-payload }
`);
  expect(p).toEqual([
    'faults[0].at: expected a plan-time duration like "3h", "90m" or "1h30m" (a number needs a unit), got 3',
    'faults[0].value: latency takes a duration above zero like "150ms", got "fast"',
    'faults[1].for: expected a duration above zero, got "0s"',
    'faults[1].value: errors needs a value like "30/s"',
    "faults[2].at: 25h is not before the wave's end (24h)",
    'faults[2].value: drop-replies takes a percentage above 0 and at most 100, got "150%"',
    'faults[3].target.agent: load applies to a host, not an agent; give only target.host (or no target for every host)',
    'faults[3].value: load takes the load average to show, a number like 3.5, got "high"',
    'faults[4].target: nats-down applies to the whole NATS server; leave the target out',
    'faults[5].value: stop takes no value',
    'faults[6].value: crash takes a value only with "for" (the interval between crashes of a crash loop, real time, e.g. "30s")',
    'faults[7].value: disk-fill takes a percentage like "95%", got 0.95',
    'faults[8].value: memory-growth takes a size per plan hour like "4GB" (B, KB, MB, GB, TB or KiB … TiB), got "lots"',
    'faults[9].value: single-publish takes the one pattern still published, "legacy" (default) or "unified", got "both"',
    'faults[10].value: host-down takes "refuse" (default: connections refused) or "hang" (accepted, never answered), got "maybe"',
    'faults[11].value: corrupt-payload needs a value like "10%"',
  ]);
  // a share of nothing is refused like one above 100 (percent() has no zero-allowing mode)
  expect(problems(`name: t\nfaults:\n  - { at: 1h, fault: drop-replies, value: 0% }\n`)).toEqual(['faults[0].value: drop-replies takes a percentage above 0 and at most 100, got "0%"']);
});

test('the structure: unknown fields, missing fields, wrong types, YAML errors, empty files', () => {
  expect(problems(`name: t\ndescription: x\nfaults: []\n`)).toEqual(['(root): unknown field "description"']);
  expect(problems(`name: t\nfaults:\n  - { at: 1h, fault: stop, target: { unit: x } }\n`)).toEqual(['faults[0].target: unknown field "unit"']);
  expect(problems(`faults:\n  - { fault: stop }\n`)).toEqual(['name: missing', 'faults[0].at: missing']);
  expect(problems(`name: "bad name!"\nfaults: {}\n`)).toEqual(['name: expected a name of letters, digits, ".", "_", "-" (max 64)', expect.stringMatching(/^faults: /)]);
  expect(problems(`name: t\nfaults: [\n`)[0]).toMatch(/^\(yaml\): /);
  expect(problems(`name: t\nname: u\nfaults: []\n`)[0]).toMatch(/^\(yaml\): .*unique/i);
  expect(problems('')).toEqual(['(root): the file is empty']);
  expect(problems('- 1\n')).toEqual(['(root): expected a YAML mapping with "name" and "faults"']);
  expect(() => loadScenario('/nonexistent/s.yaml', plan)).toThrow(/cannot read: ENOENT/);
  const err = (() => {
    try {
      parseScenarioText(`name: t\nfaults:\n  - { at: 1h, fault: nope }\n`, plan, 'scenarios/x.yaml');
    } catch (e) {
      return e as Error;
    }
  })();
  expect(err?.message).toBe('scenarios/x.yaml: invalid scenario\n  faults[0].fault: unknown fault "nope"; expected one of latency, errors, drop-replies, crash, stop, single-publish, memory-growth, load, disk-fill, host-down, nats-down, corrupt-payload');
});

test('without a plan only the format is checked', () => {
  const s = parseScenarioText(`name: t\nfaults:\n  - { at: 30h, fault: stop, target: { agent: anyone, host: anywhere } }\n`, null);
  expect(s.faults[0].target).toEqual({ agent: 'anyone', host: 'anywhere' });
});

test('placing faults: plan time divided by the time scale, from the monitoring start', () => {
  const s = parseScenarioText(`name: t\nfaults:\n  - { at: 3h, for: 2h, fault: latency, value: 150ms }\n  - { at: 6h, fault: stop }\n`, plan);
  const start = Date.UTC(2025, 0, 1);
  expect(placeFaults(s, start, 720).map((p) => [p.startMs - start, p.endMs === null ? null : p.endMs - start])).toEqual([
    [15_000, 25_000],
    [30_000, null],
  ]);
  expect(placeFaults(s, start, 1)[0].startMs - start).toBe(3 * HOUR);
  expect(() => placeFaults(s, start, 0)).toThrow(/time scale/);
});

describe('the example scenarios in scenarios/', () => {
  const dir = join(__dirname, '../../scenarios');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  test('there is one for each job of issue 7', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });
  test.each(files)('%s is valid against plans/local.yaml and named after its file', (f) => {
    const s = loadScenario(join(dir, f), plan);
    expect(`${s.name}.yaml`).toBe(f);
  });
});
