// The simulated hosts' shell parses what real sh parses the same way (compared with /bin/sh).
import { execFileSync, spawnSync } from 'node:child_process';
import { SimShell } from '../../src/sim/host-shell';
import { quote, wrapRemote } from '../../src/collect/hosts/shell';
import { FleetModel } from '../../src/sim/fleet-model';
import { simPrograms } from '../../src/sim/host-commands';
import { parseDf, parseMeminfo, parseLoadavg, parseNetDev } from '../../src/collect/hosts/parse/system';
import { parseSystemctlShow } from '../../src/collect/hosts/parse/systemctl';
import { testPlan } from './helpers';

const SCRIPTS = [
  `echo a b 'c d' "e  f" g\\ h`,
  `echo ${quote("x'; echo pwned; '")}`,
  `! false && echo negated`,
  `true && false || echo fallback`,
  `false; echo after; exit 4`,
  `echo out; echo err >&2`,
  `echo hidden >/dev/null 2>&1; echo shown`,
  `sh -c ${quote(`echo inner ${quote("it's")}`)}`,
  `LC_ALL=C timeout -s KILL 5 sh -c ${quote('echo wrapped; exit 3')}`,
  `nosuchcommand-xyz`,
  `echo 'unterminated`,
];

describe('sim shell vs /bin/sh', () => {
  const shell = new SimShell({});
  test.each(SCRIPTS)('%s', async (script) => {
    const real = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
    const sim = await shell.run(script, { env: {}, stdin: '', signal: new AbortController().signal });
    expect(sim.stdout).toBe(real.stdout);
    expect(sim.code).toBe(real.status);
    expect(sim.stderr === '').toBe(real.stderr === '');
  });
  test('timeout fires: 137 with KILL, 124 with TERM', async () => {
    const sig = new AbortController().signal;
    expect((await shell.run(wrapRemote('sleep 5', 0.2), { env: {}, stdin: '', signal: sig })).code).toBe(137);
    expect((await shell.run('timeout 0.2 sleep 5', { env: {}, stdin: '', signal: sig })).code).toBe(124);
    expect(spawnSync('/bin/sh', ['-c', 'timeout 0.2 sleep 5']).status).toBe(124);
  });
});

describe('sim host programs answer in the real formats', () => {
  const plan = testPlan(1);
  const model = new FleetModel(plan);
  const sh = new SimShell(simPrograms(model, 'dgx-1'));
  const run = (s: string) => sh.run(s, { env: {}, stdin: '', signal: new AbortController().signal });

  test('df output has the shape of GNU df (column widths, Use%)', async () => {
    const r = await run(`df -B1 --output=source,fstype,size,used,avail,pcent,target ${quote('/opt/cim-dgx')}`);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Filesystem {5}Type +1B-blocks +Used +Avail Use% Mounted on$/);
    const d = parseDf(r.stdout)!;
    expect(d.sizeBytes).toBe(model.host('dgx-1').disk.sizeBytes);
    expect(d.usedPct).toBeGreaterThan(0);
    expect((await run('df -B1 /nope')).code).toBe(1);
  });
  test('/proc files parse with the real-format parsers', async () => {
    expect(parseMeminfo((await run('cat /proc/meminfo')).stdout)!.totalBytes).toBe(2 * 1024 ** 4);
    expect(parseLoadavg((await run('cat /proc/loadavg')).stdout)).not.toBeNull();
    expect(parseNetDev((await run('cat /proc/net/dev')).stdout)!.length).toBe(2);
    expect((await run('cat /proc/1/status')).code).toBe(1);
  });
  test('systemctl: property order is systemd\'s, not the order asked for; exit codes', async () => {
    const r = await run(`systemctl show 'agent-runtime@network-expert' -p ActiveState,LoadState,MainPID --timestamp=unix`);
    expect(r.stdout.split('\n').map((l) => l.split('=')[0])).toEqual(['MainPID', 'LoadState', 'ActiveState', '']);
    const nf = await run(`systemctl show agent-runtime@nope.service -p LoadState,ActiveState`);
    expect(nf.code).toBe(0);
    expect(parseSystemctlShow(nf.stdout).state).toBe('not-installed');
    expect((await run('systemctl is-active agent-runtime@network-expert')).stdout).toBe('active\n');
    expect((await run('systemctl is-active --quiet agent-runtime@nope')).code).toBe(3);
    expect((await run(`systemctl show 'a b'`)).code).toBe(1);
  });
  test('real sh agrees on the rollback skip form', () => {
    expect(execFileSync('/bin/sh', ['-c', '! false && echo yes'], { encoding: 'utf8' })).toBe('yes\n');
  });
});
