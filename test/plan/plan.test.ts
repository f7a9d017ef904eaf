// Plan validation: both shipped plans pass; each kind of broken plan fails with one line naming
// the field and what was expected; the CLI exits 2 with those lines and no stack trace.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { loadPlan } from '../../src/plan/load';
import { problemsOf } from '../helpers/plan-problems';
import { parseDuration, formatDuration } from '../../src/plan/duration';

const ROOT = join(__dirname, '../..');
const wave2Text = readFileSync(join(ROOT, 'plans/wave2.yaml'), 'utf8');


/** The Wave 2 plan with one change applied to its data. */
function broken(change: (p: any) => void): string {
  const data = parseDocument(wave2Text).toJS();
  change(data);
  return stringify(data);
}

describe('the shipped plans', () => {
  test('plans/wave2.yaml is the spec, number for number', () => {
    const p = loadPlan(join(ROOT, 'plans/wave2.yaml'));
    // The real fleet's subnet appears only in plans/wave2.yaml; this reads it, nothing connects.
    const SPEC_SUBNET = '10.0.20.';
    expect(p.hosts.map((h) => [h.name, h.address, h.user])).toEqual([1, 2, 3].map((i) => [`dgx-${i}`, `${SPEC_SUBNET}${i}`, 'cimadmin']));
    expect(p.checkpoints.map((c) => [c.name, c.at / 3_600_000])).toEqual([['T+1h', 1], ['T+6h', 6], ['T+12h', 12], ['T+24h', 24]]);
    expect(p.wave.duration).toBe(24 * 3_600_000);
    expect(p.monitor.interval).toBe(300_000);
    expect(p.nats.sampling.window).toBe(300_000);
    expect(p.nats.probe.count).toBe(100);
    expect(p.nats.probe.subject).toBe('agent.to.{agent}.from.test.question');
    expect(p.nats.patterns).toEqual({ legacy: 'cim-agent.>', unified: 'cim.agent.>' });
    expect(p.agents.underTest).toEqual([{ name: 'network-expert', cluster: 'infrastructure' }, { name: 'tdd-expert', cluster: 'quality-assurance' }]);
    expect(p.agents.control.map((a) => a.name)).toEqual(['nix-expert', 'qa-expert']);
    expect(p.agents.unitTemplate).toBe('agent-runtime@{agent}');
    expect(p.agents.installPath).toBe('/opt/cim-dgx');
    expect(p.output.dir).toBe('monitoring/checkpoints/wave2');
    const rule = (id: string) => [...p.criteria, ...p.alerts, ...p.rollback.criteria].find((r) => r.id === id)!;
    expect([rule('agent-uptime').op, rule('agent-uptime').threshold]).toEqual(['>', 99.9]);
    expect([rule('error-rate').op, rule('error-rate').threshold]).toEqual(['<', 0.1]);
    expect([rule('latency-p50').threshold, rule('latency-p99').threshold]).toEqual([100, 200]);
    expect([rule('dual-publishing').threshold, rule('agent-ref-traffic').threshold]).toEqual([99, 5]);
    expect([rule('error-rate-critical').threshold, rule('error-spike').threshold, rule('load-high').threshold, rule('memory-high').threshold]).toEqual([1, 10, 2, 90]);
    expect(rule('rollback-degradation').threshold).toBe(20);
    expect(p.criteria.filter((c) => c.primary).map((c) => c.id)).toEqual([
      'agent-uptime', 'error-rate', 'message-delivery', 'latency-p50', 'latency-p99', 'dual-publishing', 'agent-ref-traffic', 'clusters-working',
    ]);
  });

  test('plans/local.yaml is the same wave on 127.0.0.1 only', () => {
    const local = loadPlan(join(ROOT, 'plans/local.yaml'));
    const wave2 = loadPlan(join(ROOT, 'plans/wave2.yaml'));
    expect(local.hosts.every((h) => h.address === '127.0.0.1')).toBe(true);
    expect(local.nats.servers.every((s) => s.includes('127.0.0.1'))).toBe(true);
    expect(local.nats.monitoringUrl).toContain('127.0.0.1');
    expect(local.criteria).toEqual(wave2.criteria);
    expect(local.alerts).toEqual(wave2.alerts);
    expect(local.rollback.criteria).toEqual(wave2.rollback.criteria);
    expect(local.checkpoints).toEqual(wave2.checkpoints);
  });
});

describe('broken plans fail with a message naming the field', () => {
  const cases: [string, string, RegExp][] = [
    ['empty file', '', /\(root\): the file is empty/],
    ['not YAML', 'hosts: [unclosed', /\(yaml\)/],
    ['a YAML list, not a mapping', '- a\n- b\n', /\(root\): expected a YAML mapping/],
    ['unknown key', broken((p) => (p.hostz = [])), /\(root\): Unrecognized key: "hostz"/],
    ['unknown nested key', broken((p) => (p.monitor.intervall = '5m')), /monitor: Unrecognized key: "intervall"/],
    ['bad duration', broken((p) => (p.monitor.interval = 'five minutes')), /monitor\.interval: expected a duration/],
    ['negative duration', broken((p) => (p.checkpoints[0].at = '-1h')), /checkpoints\.0\.at: expected a duration/],
    ['zero duration', broken((p) => (p.wave.duration = '0s')), /wave\.duration: expected a duration above zero/],
    ['no agents under test', broken((p) => (p.agents.underTest = [])), /agents\.underTest: expected at least one agent under test/],
    ['no hosts', broken((p) => (p.hosts = [])), /hosts: expected at least one host/],
    ['duplicate host', broken((p) => (p.hosts[1].name = 'dgx-1')), /hosts\.1\.name: duplicate host "dgx-1"/],
    ['duplicate agent', broken((p) => (p.agents.underTest[1].name = 'network-expert')), /agents\.underTest\.1\.name: duplicate agent "network-expert"/],
    ['agent both test and control', broken((p) => (p.agents.control[0].name = 'tdd-expert')), /agents\.control\.0\.name: agent "tdd-expert" is both under test and control/],
    ['checkpoint after the end', broken((p) => (p.checkpoints[3].at = '25h')), /checkpoints\.3\.at: checkpoint "T\+24h" is after the wave's end/],
    ['checkpoints out of order', broken((p) => (p.checkpoints[1].at = '30m')), /checkpoints\.1\.at: expected checkpoints in increasing time order/],
    ['hostile host name', broken((p) => (p.hosts[0].name = 'dgx-1; rm -rf /')), /hosts\.0\.name: expected a name of letters, digits/],
    ['hostile agent name', broken((p) => (p.agents.underTest[0].name = '$(reboot)')), /agents\.underTest\.0\.name: expected a name/],
    ['name too long', broken((p) => (p.hosts[0].name = 'h'.repeat(65))), /hosts\.0\.name: expected a name/],
    ['bad address', broken((p) => (p.hosts[0].address = '192.0.2.1 && curl x')), /hosts\.0\.address: expected an IP address or a DNS name/],
    ['address out of range', broken((p) => (p.hosts[0].address = '192.0.2.300')), /hosts\.0\.address: expected an IP address or a DNS name/],
    ['threshold of the wrong type', broken((p) => (p.criteria[0].threshold = 'high')), /criteria\.0\.threshold: Invalid input: expected number, received string/],
    ['unknown metric', broken((p) => (p.criteria[0].metric = 'agents.happiness')), /criteria\.0\.metric: Invalid option/],
    ['unknown comparison', broken((p) => (p.alerts[0].op = '=>')), /alerts\.0\.op: Invalid option/],
    ['unknown action', broken((p) => (p.rollback.criteria[0].action = 'panic')), /rollback\.criteria\.0\.action: Invalid option/],
    ['duplicate rule id', broken((p) => (p.alerts[0].id = 'error-rate')), /alerts\.0\.id: duplicate rule id "error-rate"/],
    ['criterion names an unknown checkpoint', broken((p) => (p.criteria[0].checkpoints = ['T+2h'])), /criteria\.0\.checkpoints\.0: unknown checkpoint "T\+2h"/],
    ['port out of range', broken((p) => (p.hosts[0].port = 70000)), /hosts\.0\.port: Too big/],
    ['no rollback steps', broken((p) => (p.rollback.steps = [])), /rollback\.steps: expected at least one rollback step/],
    ['unit template without {agent}', broken((p) => (p.agents.unitTemplate = 'agent-runtime')), /agents\.unitTemplate: expected a template containing \{agent\}/],
    ['relative install path', broken((p) => (p.agents.installPath = 'opt/cim')), /agents\.installPath: expected an absolute path/],
    ['bad NATS URL', broken((p) => (p.nats.servers = ['192.0.2.1:4222'])), /nats\.servers\.0: expected nats:\/\/host:port/],
    ['a secret in the plan', broken((p) => (p.ssh.privateKey = '-----BEGIN OPENSSH PRIVATE KEY-----')), /ssh: Unrecognized key: "privateKey"/],
    ['bad recipient', broken((p) => (p.notify.incident = ['on-call'])), /notify\.incident\.0: Invalid email/],
    ['wrong version', broken((p) => (p.version = 2)), /version: Invalid input: expected 1/],
    ['error pattern that does not compile', broken((p) => (p.agents.errorPattern = '(unclosed')), /^agents\.errorPattern: not a valid regular expression: .*Unterminated group/],
    ['empty error pattern', broken((p) => (p.agents.errorPattern = '')), /^agents\.errorPattern: expected a pattern: an empty one matches every journal line/],
    ['error pattern matching the empty string', broken((p) => (p.agents.errorPattern = 'error|')), /^agents\.errorPattern: the pattern matches the empty string/],
    ['error pattern with nested quantifiers', broken((p) => (p.agents.errorPattern = '(a+)+x')), /^agents\.errorPattern: a repeated group may not itself repeat or branch/],
    ['error pattern with a backreference', broken((p) => (p.agents.errorPattern = '(err)\\1')), /^agents\.errorPattern: backreferences/],
    ['credentials in a NATS URL', broken((p) => (p.nats.servers = ['nats://wave:s3cret@192.0.2.1:4222'])), /^nats\.servers\.0: credentials in a URL are refused .*WAVEWATCH_NATS_CREDS$/],
    ['a token in a NATS URL', broken((p) => (p.nats.servers = ['tls://s3cret@nats.example:4222'])), /^nats\.servers\.0: credentials in a URL are refused/],
    ['credentials in the monitoring URL', broken((p) => (p.nats.monitoringUrl = 'http://admin:s3cret@192.0.2.1:8222')), /^nats\.monitoringUrl: credentials in a URL are refused/],
    ['double-quoted placeholder', broken((p) => (p.rollback.steps[0].skipIf = '! systemctl is-active --quiet "{unit}"')), /^rollback\.steps\.0\.skipIf: placeholder \{unit\} is inside quotes: placeholders are filled already shell-quoted/],
    ['single-quoted placeholder', broken((p) => (p.rollback.steps[1].run = "systemctl disable '{unit}'")), /^rollback\.steps\.1\.run: placeholder \{unit\} is inside quotes/],
    ['placeholder inside a quoted word', broken((p) => (p.rollback.steps[0].run = 'logger "stopping {agent} now"')), /^rollback\.steps\.0\.run: placeholder \{agent\} is inside quotes/],
    ['agent placeholder in a per-host step', broken((p) => (p.rollback.steps[0].forEach = 'host')), /^rollback\.steps\.0\.run: \{unit\} names an agent, but this step runs once per host/],
    ['fingerprint for an unknown host', broken((p) => (p.ssh.fingerprints = { 'dgx-9': 'SHA256:' + 'A'.repeat(43) })), /ssh\.fingerprints\.dgx-9: fingerprint for unknown host "dgx-9"/],
  ];

  test.each(cases)('%s', (_what, text, expected) => {
    const problems = problemsOf(text);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.some((p) => expected.test(p))).toBe(true);
    // Every line names where the problem is.
    for (const p of problems) expect(p).toMatch(/^[^:\s]+: /);
  });

  test('at least 20 kinds of broken plan are covered', () => expect(cases.length).toBeGreaterThanOrEqual(20));
});

describe('durations', () => {
  test.each([
    ['500ms', 500],
    ['3s', 3000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['24h', 86_400_000],
    ['1.5h', 5_400_000],
  ])('%s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
  test.each(['', '5', 'm5', '-5m', '5 m', '5x', 'h'])('rejects %p', (text) => expect(parseDuration(text)).toBeNull());
  // One formatter for plans, scenarios, the CLI and the demo: hours are not folded into days (a
  // wave is counted in hours; it printed "1d" for a 24 h wave before), nothing below "0s".
  test.each([
    [86_400_000, '24h'],
    [90_000_000 + 30 * 60_000, '25h30m'],
    [5_400_000, '1h30m'],
    [61_000, '1m1s'],
    [1500, '2s'],
    [999.6, '1s'],
    [250, '250ms'],
    [0, '0s'],
    [-5000, '0s'],
    [Number.NaN, '0s'],
  ])('formats %p as %p', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('wavewatch plan validate', () => {
  const cli = join(ROOT, 'bin/wavewatch.js');
  const dir = mkdtempSync(join(tmpdir(), 'wavewatch-plan-'));
  /** A plan file of `text` in this run's directory. */
  const planFile = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  // Nine levels of ten aliases each: 10^9 nodes if expanded.
  const bombLevels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 9; i++) bombLevels.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  const files = {
    bad: planFile('bad.yaml', broken((p) => {
      p.hosts[1].name = 'dgx 2';
      p.monitor.interval = 'soon';
    })),
    bomb: planFile('bomb.yaml', bombLevels.join('\n') + '\n'),
    // A valid plan padded with a comment: only the size is wrong.
    huge: planFile('huge.yaml', wave2Text + '#'.repeat(1024 * 1024) + '\n'),
    secret: planFile('secret.yaml', broken((p) => (p.nats.servers = ['nats://wave:s3cret@192.0.2.1:4222']))),
  };

  function validate(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = execFile(process.execPath, [cli, 'plan', 'validate', ...args], { encoding: 'utf8', timeout: 60_000 }, (_err, stdout, stderr) =>
        resolve({ status: child.exitCode, stdout, stderr }),
      );
    });
  }
  // The CLI processes run side by side (each is ~2 s of start-up); each test reads its own.
  const runs = {} as Record<'valid' | keyof typeof files | 'missing', ReturnType<typeof validate>>;
  beforeAll(() => {
    runs.valid = validate(join(ROOT, 'plans/wave2.yaml'), '--json');
    for (const [name, file] of Object.entries(files)) runs[name as keyof typeof files] = validate(file);
    runs.missing = validate('/nonexistent/plan.yaml');
  });

  test('a valid plan: exit 0, and --json lists the checkpoints by name', async () => {
    const r = await runs.valid;
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(expect.objectContaining({ valid: true, duration: '24h', checkpoints: ['T+1h', 'T+6h', 'T+12h', 'T+24h'] }));
  });
  test('a broken plan: exit 2, one line per problem, no stack trace', async () => {
    const r = await runs.bad;
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/hosts\.1\.name: expected a name/);
    expect(r.stderr).toMatch(/monitor\.interval: expected a duration/);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
  });
  test('a YAML alias bomb: exit 2 with one line, not the parser\'s exception', async () => {
    const r = await runs.bomb;
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`${files.bomb}: invalid plan`, expect.stringMatching(/^  \(yaml\): Excessive alias count .* at most 100 aliases\)$/)]);
  });
  test('a plan file over 1 MiB: exit 2 with one line, before it is parsed', async () => {
    const r = await runs.huge;
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([`${files.huge}: invalid plan`, expect.stringMatching(/^  \(file\): \d+ bytes, above the 1 MiB a plan file may have$/)]);
  });
  test('a secret in a server URL never reaches the output', async () => {
    const r = await runs.secret;
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nats\.servers\.0: credentials in a URL are refused/);
    expect(r.stderr + r.stdout).not.toMatch(/s3cret/);
  });
  test('a missing file: exit 2 with the reason', async () => {
    const r = await runs.missing;
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot read: ENOENT/);
  });
});
