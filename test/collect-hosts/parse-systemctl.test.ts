import { parseSystemctlShow, parseSystemdTimestamp, unitStateOf, splitShowBlocks } from '../../src/collect/hosts/parse/systemctl';
import { fixture } from './fixtures';

describe('systemctl show parser', () => {
  test('active unit, unix timestamps', () => {
    const s = parseSystemctlShow(fixture('systemctl', 'active-unix.txt'));
    expect(s).toMatchObject({
      loadState: 'loaded', activeState: 'active', subState: 'running', state: 'active',
      activeEnterTimestamp: 1769155200_000, activeExitTimestamp: null, nRestarts: 0,
      memoryBytes: 201326592, cpuUsageNSec: 41234567890, mainPid: 48213,
    });
  });

  test('not-found is not-installed, not inactive', () => {
    const s = parseSystemctlShow(fixture('systemctl', 'not-found.txt'));
    expect(s.state).toBe('not-installed');
    expect(s.loadState).toBe('not-found');
    expect(s.activeState).toBe('inactive');
    expect(s.memoryBytes).toBeNull();
    expect(s.cpuUsageNSec).toBeNull();
    expect(s.mainPid).toBeNull();
    expect(s.activeEnterTimestamp).toBeNull();
  });

  test('failed after restarts', () => {
    const s = parseSystemctlShow(fixture('systemctl', 'failed-restart-limit.txt'));
    expect(s.state).toBe('failed');
    expect(s.nRestarts).toBe(5);
    expect(s.activeExitTimestamp).toBe(1769162400_000);
    expect(s.mainPid).toBeNull();
  });

  test('default timestamp format in UTC, UINT64_MAX means no value', () => {
    const s = parseSystemctlShow(fixture('systemctl', 'pretty-utc-uint64max.txt'));
    expect(s.state).toBe('activating');
    expect(s.subState).toBe('auto-restart');
    expect(s.activeEnterTimestamp).toBe(Date.UTC(2026, 0, 23, 8, 0, 0));
    expect(s.activeExitTimestamp).toBe(Date.UTC(2026, 0, 23, 9, 59, 58));
    expect(s.memoryBytes).toBeNull();
    expect(s.cpuUsageNSec).toBeNull();
  });

  test('full show output: finds the keys among many; non-UTC zone is not guessed', () => {
    const s = parseSystemctlShow(fixture('systemctl', 'service-full.txt'));
    expect(s.state).toBe('active');
    expect(s.nRestarts).toBe(1);
    expect(s.mainPid).toBe(48213);
    expect(s.memoryBytes).toBeNull(); // [not set]
    expect(s.activeEnterTimestamp).toBeNull(); // CET: ambiguous without a zone database; we ask for unix or UTC
    expect(s.raw.ExecStart).toContain('argv[]=/opt/cim-dgx/bin/agent-runtime --agent=network-expert');
    expect(s.raw.Slice).toBe('system-agent\\x2druntime.slice');
  });

  test('timestamps', () => {
    expect(parseSystemdTimestamp('@1700000000')).toBe(1700000000000);
    expect(parseSystemdTimestamp('@1700000000.250000')).toBe(1700000000250);
    expect(parseSystemdTimestamp('')).toBeNull();
    expect(parseSystemdTimestamp('n/a')).toBeNull();
    expect(parseSystemdTimestamp('[not set]')).toBeNull();
    expect(parseSystemdTimestamp('@0')).toBeNull();
    expect(parseSystemdTimestamp('Mon 2024-01-15 10:00:00 EST')).toBeNull();
    expect(parseSystemdTimestamp('Mon 2024-01-15 10:00:00.123456 UTC')).toBe(Date.UTC(2024, 0, 15, 10, 0, 0, 123));
  });

  test('empty output and garbage are unknown, never active', () => {
    expect(parseSystemctlShow('').state).toBe('unknown');
    expect(parseSystemctlShow('System has not been booted with systemd as init system (PID 1). Can\'t operate.\n').state).toBe('unknown');
    expect(unitStateOf('loaded', 'maintenance')).toBe('unknown');
    expect(unitStateOf('masked', 'inactive')).toBe('inactive');
  });

  test('several units: blocks in argument order', () => {
    const text = `${fixture('systemctl', 'active-unix.txt')}\n${fixture('systemctl', 'not-found.txt')}`;
    const blocks = splitShowBlocks(text);
    expect(blocks).toHaveLength(2);
    expect(parseSystemctlShow(blocks[1]).state).toBe('not-installed');
  });
});
