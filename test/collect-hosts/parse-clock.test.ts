// The host's clock, read in the unit-status command: its parser, the offset from the worker's clock,
// and the command on a real shell (GNU date, as on the DGX hosts).
import { execFileSync } from 'node:child_process';
import { parseHostClock, hostClockOf } from '../../src/collect/hosts/parse/clock';
import { withHostClock, systemctlShowCommand } from '../../src/collect/hosts/commands';
import { parseSystemctlShow } from '../../src/collect/hosts/parse/systemctl';
import { fixture } from './fixtures';

describe('host clock reading', () => {
  test('the reading before systemctl show output: epoch ms with the nanoseconds kept to the µs', () => {
    const out = `HostClockNs=1769155500123456789\n${fixture('systemctl', 'active-unix.txt')}`;
    expect(parseHostClock(out)).toBeCloseTo(1769155500123.456789, 3);
    // and the unit's properties read as before
    expect(parseSystemctlShow(out)).toMatchObject({ state: 'active', activeEnterTimestamp: 1769155200_000 });
  });

  test('no reading, or not one: null (the judge then keeps its skew tolerance)', () => {
    expect(parseHostClock(fixture('systemctl', 'active-unix.txt'))).toBeNull();
    expect(parseHostClock('HostClockNs=1769155500%N\n')).toBeNull(); // a date without %N
    expect(parseHostClock('HostClockNs=1769155500N\n')).toBeNull();
    expect(parseHostClock('HostClockNs=\n')).toBeNull();
    expect(parseHostClock('HostClockNs=000000000123456789\n')).toBeNull(); // epoch 0: no clock
    expect(parseHostClock('XHostClockNs=1769155500123456789\n')).toBeNull();
    expect(parseHostClock('HostClockNs=1769155500123456789\r\nLoadState=loaded\r\n')).toBeCloseTo(1769155500123.457, 2);
  });

  test('offset = host − the middle of the round trip, true within half of it', () => {
    // read somewhere between 1000 and 1200 on the worker's clock, 301_100 on the host's
    expect(hostClockOf(301_100, 1000, 1200)).toEqual({ offsetMs: 300_000, errorMs: 100 });
    expect(hostClockOf(-398_900, 1000, 1200)).toEqual({ offsetMs: -400_000, errorMs: 100 });
    expect(hostClockOf(null, 1000, 1200)).toBeNull();
    expect(hostClockOf(5000, 1200, 1000)).toBeNull(); // an interval that runs backwards is no measurement
  });

  test('the command keeps the exit status of the unit read, and GNU date answers the format', () => {
    const cmd = withHostClock(systemctlShowCommand('agent-runtime@x'));
    expect(cmd).toBe(`date +HostClockNs=%s%N; ${systemctlShowCommand('agent-runtime@x')}`);
    const before = Date.now();
    const out = execFileSync('sh', ['-c', withHostClock('echo LoadState=loaded')], { encoding: 'utf8', env: { LC_ALL: 'C', PATH: process.env.PATH } });
    const after = Date.now();
    const host = parseHostClock(out);
    expect(host).not.toBeNull();
    expect(host!).toBeGreaterThanOrEqual(before - 1);
    expect(host!).toBeLessThanOrEqual(after + 1);
    expect(out).toMatch(/\nLoadState=loaded\n$/);
    let code = 0;
    try {
      execFileSync('sh', ['-c', withHostClock('exit 3')], { stdio: 'ignore' });
    } catch (e) {
      code = (e as { status: number }).status;
    }
    expect(code).toBe(3);
  });
});
