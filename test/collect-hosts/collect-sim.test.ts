// A checkpoint's host collection for the 3-host Wave 2 plan against the simulated fleet: every
// field of the issue, the health check, and samples compared over time.
import { collectHosts } from '../../src/collect/hosts/collect';
import { cursorKey } from '../../src/model/instance';
import { runHealthCheck, formatHealthReport } from '../../src/collect/hosts/health-check';
import { compareStatusSets } from '../../src/collect/hosts/samples';
import { TIB } from '../../src/sim/sim-host';
import type { Collection } from '../../src/collect/wave-collection';
import { toObservation } from '../../src/observe/to-observation';
import { restartEvents, samplesByInstance } from '../../src/judge/uptime';
import { simHostsWithPool } from './helpers';

describe('collectHosts on the simulated Wave 2 fleet', () => {
  const fleet = simHostsWithPool(3);

  test('every field, and the checkpoint files', async () => {
    const since = Date.now() - 60_000;
    fleet.sim.model.errorBurst('dgx-1', 'network-expert', 3); // recurring type
    fleet.sim.model.addJournal('dgx-2', 'tdd-expert', { priority: 6, message: 'request 17 error: bad payload from 10.1.2.3:5000' }); // stdout error at info
    fleet.sim.model.addJournal('dgx-2', 'tdd-expert', { priority: 6, message: 'handled 120 messages' });
    fleet.sim.model.addJournal('dgx-3', 'qa-expert', { priority: 3, message: 'old error', at: since - 5000 }); // before the window
    fleet.sim.model.setGpus('dgx-3', null); // a host without nvidia-smi
    const c = await collectHosts(fleet.pool, fleet.plan, { sinceMs: since });

    expect(c.unreachable).toEqual([]);
    expect(c.agents).toHaveLength(12);
    for (const a of c.agents) {
      expect(a).toMatchObject({ state: 'active', loadState: 'loaded', exitCode: 0 });
      expect(a.rssBytes).toBeGreaterThan(0);
      expect(a.vmsBytes).toBeGreaterThan(a.rssBytes!);
      expect(a.processError).toBeUndefined();
    }
    expect(c.errors).toHaveLength(12);
    const e1 = c.errors.find((e) => e.host === 'dgx-1' && e.agent === 'network-expert')!;
    expect(e1).toMatchObject({ exitCode: 0, entries: 3, errors: 3, byPriority: 3, byPattern: 0, recurringTypes: 1, oneOffTypes: 0, truncated: false });
    expect(e1.types[0]).toMatchObject({ type: 'ERROR failed to handle request <n>: upstream timeout after <n>ms', count: 3, recurring: true });
    expect(e1.log).toHaveLength(3);
    expect(e1.log[0]).toMatchObject({ unit: 'agent-runtime@network-expert', priority: 3 });
    expect(e1.cursor).toMatch(/^s=[0-9a-f]+;i=[0-9a-f]+;b=/);
    const e2 = c.errors.find((e) => e.host === 'dgx-2' && e.agent === 'tdd-expert')!;
    expect(e2).toMatchObject({ entries: 2, errors: 1, byPattern: 1, byPriority: 0 });
    expect(e2.types[0].type).toBe('request <n> error: bad payload from <ip>');
    const e3 = c.errors.find((e) => e.host === 'dgx-3' && e.agent === 'qa-expert')!;
    expect(e3).toMatchObject({ entries: 0, errors: 0, exitCode: 0 });
    expect(e3.error).toBeUndefined();

    for (const s of c.system) {
      expect(s.reachable).toBe(true);
      expect(s.load.value!.load1).toBeGreaterThan(0);
      expect(s.memory.value!.totalBytes).toBe(2 * TIB);
      expect(s.memory.value!.usedPct).toBeGreaterThan(0);
      expect(s.memory.value!.cachedBytes).toBeGreaterThan(0);
      expect(s.disk).toMatchObject({ path: '/opt/cim-dgx', exitCode: 0 });
      expect(s.disk.value!.usedPct).toBeGreaterThan(0);
      expect(s.uptime.value!.seconds).toBeGreaterThan(86_400);
      expect(s.network.value!.map((i) => i.name)).toContain('lo');
    }
    const g1 = c.system.find((s) => s.host === 'dgx-1')!.gpus;
    expect(g1.absent).toBe(false);
    expect(g1.value).toHaveLength(8);
    expect(g1.value![0]).toMatchObject({ name: 'NVIDIA H100 80GB HBM3', memoryTotalMiB: 81559, eccUncorrected: 0, throttleReasons: ['gpu-idle'] });
    const g3 = c.system.find((s) => s.host === 'dgx-3')!.gpus;
    expect(g3).toMatchObject({ absent: true, value: null, exitCode: 127 });
    expect(g3.error).toBeUndefined();


    // the next collection continues from the cursors: only new entries
    const cursors = Object.fromEntries(c.errors.map((e) => [cursorKey(e.host, e.agent), e.cursor]));
    fleet.sim.model.errorBurst('dgx-1', 'network-expert', 1, { message: 'ERROR something new' });
    const next = await collectHosts(fleet.pool, fleet.plan, { sinceMs: since, cursors, system: false });
    const n1 = next.errors.find((e) => e.host === 'dgx-1' && e.agent === 'network-expert')!;
    expect(n1).toMatchObject({ entries: 1, errors: 1, fromCursor: e1.cursor });
    expect(next.errors.find((e) => e.host === 'dgx-2' && e.agent === 'tdd-expert')!).toMatchObject({ entries: 0, cursor: e2.cursor });
    fleet.sim.model.setGpus('dgx-3', fleet.sim.model.host('dgx-1').gpus);
  });

  test('failures are errors with null values, never zeros', async () => {
    fleet.sim.model.setSystemd('dgx-2', false);
    const c = await collectHosts(fleet.pool, fleet.plan, { sinceMs: Date.now() - 1000 });
    const a = c.agents.filter((x) => x.host === 'dgx-2');
    expect(a.every((x) => x.state === 'unknown' && x.exitCode === 127 && x.nRestarts === null && /not found/.test(x.error!))).toBe(true);
    const e = c.errors.filter((x) => x.host === 'dgx-2');
    expect(e.every((x) => x.errors === null && x.entries === null && x.exitCode === 127 && !!x.error)).toBe(true);
    expect(c.system.find((s) => s.host === 'dgx-2')!.load.value).not.toBeNull(); // the rest of the host still answers
    expect(c.unreachable).toEqual([]);
    fleet.sim.model.setSystemd('dgx-2', true);
  });

  test('CPU %, restarts and uptime between two samples', async () => {
    fleet.sim.model.setCpu('dgx-1', 'nix-expert', 0.5);
    const a = await collectHosts(fleet.pool, fleet.plan, { sinceMs: Date.now(), errors: false, system: false });
    await new Promise((r) => setTimeout(r, 1200));
    fleet.sim.model.crash('dgx-3', 'network-expert');
    const b = await collectHosts(fleet.pool, fleet.plan, { sinceMs: Date.now(), errors: false, system: false });
    const d = compareStatusSets(a.agents, b.agents);
    const nix = d.find((x) => x.host === 'dgx-1' && x.agent === 'nix-expert')!;
    expect(nix.restarted).toBe(false);
    expect(nix.cpuPct).toBeGreaterThan(35);
    expect(nix.cpuPct).toBeLessThan(65);
    const crashed = d.find((x) => x.host === 'dgx-3' && x.agent === 'network-expert')!;
    expect(crashed).toMatchObject({ restarted: true, restarts: 1, cpuPct: null });
    expect(crashed.uptimeMs!).toBeLessThan(5000);
  });

  test('hosts whose clocks are off: the offset is read with the units, and restarts are judged on the worker clock', async () => {
    const startMs = Date.now() - 10_000; // monitoring started 10 s ago
    // dgx-2 runs 5 min ahead; its agent was deployed 30 s before monitoring started
    fleet.sim.model.setClockOffset('dgx-2', 5 * 60_000);
    fleet.sim.model.unit('dgx-2', 'tdd-expert').activeEnterMs = startMs - 30_000;
    // dgx-3 runs 5 min behind; its agent crashed and came back just now, after monitoring started
    fleet.sim.model.setClockOffset('dgx-3', -5 * 60_000);
    fleet.sim.model.crash('dgx-3', 'qa-expert');
    try {
      const hosts = await collectHosts(fleet.pool, fleet.plan, { sinceMs: startMs, errors: false, system: false });
      for (const a of hosts.agents) {
        const expected = { 'dgx-1': 0, 'dgx-2': 300_000, 'dgx-3': -300_000 }[a.host]!;
        expect(a.hostClock).not.toBeNull();
        expect(a.hostClock!.errorMs).toBeLessThan(5000);
        expect(Math.abs(a.hostClock!.offsetMs - expected)).toBeLessThanOrEqual(a.hostClock!.errorMs + 1);
      }
      // the host's own timestamp is what systemd printed: 5 min ahead
      expect(hosts.agents.find((a) => a.host === 'dgx-2' && a.agent === 'tdd-expert')!.activeEnterTimestamp).toBe(Math.floor((startMs - 30_000 + 300_000) / 1000) * 1000);

      const c: Collection = {
        kind: 'tick', name: null, seq: 1, startedAt: hosts.startedAt, finishedAt: hosts.finishedAt, windowStart: startMs, hosts,
        server: null, health: null, probes: null, sampling: null, missing: [],
      };
      const obs = toObservation(fleet.plan, c);
      expect(obs.agents.find((a) => a.host === 'dgx-2' && a.agent === 'tdd-expert')!.hostClock!.offsetMs).toBeGreaterThan(290_000);
      const byInst = samplesByInstance([obs], () => true);
      const events = (key: string) => restartEvents(byInst.get(key)!, startMs).map((e) => [e.kind, e.count]);
      expect(events('tdd-expert@dgx-2')).toEqual([]); // started before monitoring: no restart
      expect(events('qa-expert@dgx-3')).toEqual([['restart', 1]]); // a real restart, not hidden by the clock behind
      expect(events('tdd-expert@dgx-1')).toEqual([]);
    } finally {
      fleet.sim.model.setClockOffset('dgx-2', 0);
      fleet.sim.model.setClockOffset('dgx-3', 0);
    }
  });

  test('health check: text and JSON; problems are listed', async () => {
    const ok = await runHealthCheck(fleet.plan, { pool: fleet.pool });
    expect(ok.ok).toBe(true);
    expect(ok.hosts).toHaveLength(3);
    expect(ok.hosts[0].agents.map((a) => a.agent)).toEqual(['network-expert', 'tdd-expert', 'nix-expert', 'qa-expert']);
    fleet.sim.model.stop('dgx-2', 'tdd-expert');
    fleet.sim.model.setLoad('dgx-3', 3.5);
    const r = await runHealthCheck(fleet.plan, { pool: fleet.pool, agents: ['network-expert', 'tdd-expert'] });
    expect(r.ok).toBe(false);
    expect(r.hosts[0].agents.map((a) => a.agent)).toEqual(['network-expert', 'tdd-expert']);
    expect(r.problems).toEqual(['dgx-2: tdd-expert (test) is inactive', 'dgx-3: load 3.5 above 2']);
    const text = formatHealthReport(r);
    expect(text).toMatch(/wavewatch check: wave2-local .*: 2 problem\(s\)/);
    expect(text).toMatch(/dgx-2 +tdd-expert +test +INACTIVE \(dead\)/);
    expect(text).toMatch(/dgx-1 +127\.0\.0\.1:\d+ +0\.\d\d /);
    expect(JSON.parse(JSON.stringify(r)).hosts[1].agents[1].state).toBe('inactive');
    await expect(runHealthCheck(fleet.plan, { pool: fleet.pool, agents: ['nope'] })).rejects.toThrow(/unknown agent/);
    fleet.sim.model.start('dgx-2', 'tdd-expert');
    fleet.sim.model.setLoad('dgx-3', 0.3);
  });

  test('health check with its own pool from the plan (key file and known_hosts)', async () => {
    const r = await runHealthCheck(fleet.plan, { env: {} });
    expect(r.ok).toBe(true);
  });
});
