// The scenario runner's scheduling on crafted scenarios with a fake clock and recorded effects: when
// each fault is applied and reverted (plan time ÷ scale), how overlapping faults combine, crash
// events and loops, error lines as they accrue, a monitoring start in the past, stop().
import { join } from 'node:path';
import { loadPlan } from '../../src/plan/load';
import { parseScenarioText } from '../../src/sim/scenario';
import { ScenarioRunner, type Clock, type ScenarioEvent } from '../../src/sim/scenario-runner';
import { crashTimes, desiredState, ERROR_PUMP_MS } from '../../src/sim/scenario-state';
import type { FleetEffects } from '../../src/sim/fleet-effects';
import { placeFaults } from '../../src/sim/scenario';

const plan = loadPlan(join(__dirname, '../../plans/local.yaml'));
const START = Date.UTC(2025, 0, 1, 0, 0, 0);

class FakeClock implements Clock {
  t: number;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  constructor(t: number) {
    this.t = t;
  }
  now() {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number) {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(h: unknown) {
    this.timers.delete(h as number);
  }
  get pending() {
    return this.timers.size;
  }
  /** Moves time forward, running every timer due on the way at its own time. */
  advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | null = null;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }
  advanceTo(t: number) {
    this.advance(t - this.t);
  }
}

type Call = [number, string, ...unknown[]];

function recorder(clock: FakeClock) {
  const calls: Call[] = [];
  const rel = () => clock.now() - START;
  const fx: FleetEffects = {
    setAgentFault: (h, a, f) => void calls.push([rel(), 'agentFault', `${a}@${h}`, { ...f }]),
    crash: (h, a) => void calls.push([rel(), 'crash', `${a}@${h}`]),
    setUnitStopped: (h, a, s) => void calls.push([rel(), 'stopped', `${a}@${h}`, s]),
    setHostDown: (h, m) => void calls.push([rel(), 'hostDown', h, m]),
    setLoad: (h, l) => void calls.push([rel(), 'load', h, l]),
    setDiskPct: (h, p) => void calls.push([rel(), 'disk', h, p]),
    setMemoryGrowth: (h, a, b) => void calls.push([rel(), 'memory', `${a}@${h}`, b]),
    logErrors: (h, a, n) => void calls.push([rel(), 'errors', `${a}@${h}`, n]),
    setNatsDown: async (d) => void calls.push([rel(), 'natsDown', d]),
  };
  return { calls, fx };
}

function setup(yaml: string, o: { scale?: number; startAtMs?: number; now?: number } = {}) {
  const clock = new FakeClock(o.now ?? START);
  const { calls, fx } = recorder(clock);
  const events: ScenarioEvent[] = [];
  const errors: string[] = [];
  const scenario = parseScenarioText(yaml, plan);
  const runner = new ScenarioRunner(scenario, {
    plan,
    startAtMs: o.startAtMs ?? START,
    timeScale: o.scale ?? 720,
    effects: fx,
    clock,
    onEvent: (e) => events.push(e),
    onError: (err, what) => errors.push(`${what}: ${(err as Error).message}`),
  });
  return { clock, calls, events, errors, runner };
}

const text = (events: ScenarioEvent[]) => events.map((e) => `${e.at - START} ${e.text}`);

test('a fault is applied at its scaled start and reverted at its scaled end, only where targeted', () => {
  const { clock, calls, events, runner } = setup(`name: t
faults:
  - { at: 3h, for: 2h, target: { agent: network-expert, host: dgx-1 }, fault: latency, value: 150ms }
`);
  runner.start();
  expect(calls).toEqual([]);
  expect(runner.nextChangeAt()! - START).toBe(15_000); // 3 h ÷ 720
  clock.advance(14_999);
  expect(calls).toEqual([]);
  clock.advance(1);
  expect(calls).toEqual([[15_000, 'agentFault', 'network-expert@dgx-1', { latencyMs: 150 }]]);
  clock.advance(10_000);
  expect(calls.slice(1)).toEqual([[25_000, 'agentFault', 'network-expert@dgx-1', {}]]);
  expect(text(events)).toEqual(['15000 applied latency +150ms on network-expert@dgx-1, T+3h for 2h', '25000 reverted latency +150ms on network-expert@dgx-1, T+3h for 2h']);
  expect(events.map((e) => e.planMs)).toEqual([3 * 3_600_000, 5 * 3_600_000]);
  expect(clock.pending).toBe(0); // nothing left to do: no timer
});

// Time passes while a step runs (a GC pause, the process preempted on a loaded machine, or a timer
// that fired a little early against Date.now() because Node timers count from the event loop's
// cached time). A change that fell due meanwhile must still get its step: seen in the scenario
// waves, where a lost revert left a 2-minute 300 ms fault on for the rest of the wave (rollback at
// T+12h, network-expert p50 3.12 → 303 ms) and a lost apply left latency-degradation without its fault (GO).
test('a change that falls due while a step runs is not lost: the clock moves on during the step', () => {
  // Every read of this clock costs 1 ms, so the boundary passes between two reads of one step.
  class TickingClock extends FakeClock {
    override now() {
      return this.t++;
    }
  }
  const run = (startAt: number) => {
    const clock = new TickingClock(START + startAt);
    const latency = new Map<string, number | undefined>();
    const nop = () => undefined;
    const fx: FleetEffects = { setAgentFault: (h, a, f) => void latency.set(`${a}@${h}`, f.latencyMs), crash: nop, setUnitStopped: nop, setHostDown: nop, setLoad: nop, setDiskPct: nop, setMemoryGrowth: nop, logErrors: nop, setNatsDown: nop };
    const scenario = parseScenarioText(`name: t\nfaults:\n  - { at: 3h, for: 2h, target: { agent: network-expert, host: dgx-1 }, fault: latency, value: 150ms }\n`, plan);
    const runner = new ScenarioRunner(scenario, { plan, startAtMs: START, timeScale: 720, effects: fx, clock }).start();
    return { clock, latency, runner };
  };
  // Started a few ms before the fault's start (15 000 ms): the start falls due during one of the first steps.
  for (let before = 1; before <= 5; before++) {
    const a = run(15_000 - before);
    a.clock.advanceTo(START + 20_000); // inside the fault's window (15 000 – 25 000)
    expect([before, a.latency.get('network-expert@dgx-1')]).toEqual([before, 150]);
    a.clock.advanceTo(START + 30_000); // past its end
    expect([before, a.latency.get('network-expert@dgx-1')]).toEqual([before, undefined]);
  }
  // Started a few ms before the fault's end (25 000 ms): applied at once, and its end falls due during one of the first steps.
  for (let before = 1; before <= 5; before++) {
    const b = run(25_000 - before);
    b.clock.advanceTo(START + 30_000);
    expect([before, b.latency.get('network-expert@dgx-1')]).toEqual([before, undefined]); // reverted (or over before the first step)
    expect(b.clock.pending).toBe(0);
  }
});

test('the same scenario at scale 1 runs in plan time', () => {
  const { clock, calls, runner } = setup(`name: t\nfaults:\n  - { at: 1h, for: 30m, target: { host: dgx-2 }, fault: load, value: 3.5 }\n`, { scale: 1 });
  runner.start();
  clock.advance(3_600_000);
  clock.advance(30 * 60_000);
  expect(calls).toEqual([
    [3_600_000, 'load', 'dgx-2', 3.5],
    [5_400_000, 'load', 'dgx-2', null],
  ]);
});

test('overlapping faults combine instead of undoing each other', () => {
  const { clock, calls, runner } = setup(`name: t
faults:
  - { at: 1h, for: 4h, target: { agent: tdd-expert }, fault: latency, value: 100ms }
  - { at: 2h, for: 1h, target: { agent: tdd-expert, host: dgx-3 }, fault: latency, value: 50ms }
  - { at: 2h, target: { host: dgx-3 }, fault: drop-replies, value: 5% }
  - { at: 2h, for: 2h, target: { host: dgx-3, agent: tdd-expert }, fault: drop-replies, value: 20% }
  - { at: 1h, for: 2h, target: { host: dgx-1 }, fault: load, value: 2.5 }
  - { at: 2h, for: 2h, fault: load, value: 4 }
  - { at: 1h, for: 2h, target: { host: dgx-1 }, fault: host-down }
  - { at: 2h, for: 2h, target: { host: dgx-1 }, fault: host-down, value: hang }
`, { scale: 3600 }); // 1 h = 1 s
  runner.start();
  clock.advance(1000);
  const at = (ms: number) => calls.filter((c) => c[0] === ms);
  expect(at(1000)).toEqual([
    [1000, 'agentFault', 'tdd-expert@dgx-1', { latencyMs: 100 }],
    [1000, 'agentFault', 'tdd-expert@dgx-2', { latencyMs: 100 }],
    [1000, 'agentFault', 'tdd-expert@dgx-3', { latencyMs: 100 }],
    [1000, 'hostDown', 'dgx-1', 'refuse'],
    [1000, 'load', 'dgx-1', 2.5],
  ]);
  clock.advance(1000);
  expect(at(2000)).toEqual([
    [2000, 'agentFault', 'network-expert@dgx-3', { dropRepliesPct: 5 }],
    [2000, 'agentFault', 'tdd-expert@dgx-3', { latencyMs: 150, dropRepliesPct: 20 }],
    [2000, 'agentFault', 'nix-expert@dgx-3', { dropRepliesPct: 5 }],
    [2000, 'agentFault', 'qa-expert@dgx-3', { dropRepliesPct: 5 }],
    [2000, 'hostDown', 'dgx-1', 'hang'],
    [2000, 'load', 'dgx-1', 4],
    [2000, 'load', 'dgx-2', 4],
    [2000, 'load', 'dgx-3', 4],
  ]);
  clock.advance(1000); // 3 h: the 50 ms on dgx-3, the first host-down and the dgx-1 load of 2.5 end
  expect(at(3000)).toEqual([
    [3000, 'agentFault', 'tdd-expert@dgx-3', { latencyMs: 100, dropRepliesPct: 20 }],
    // dgx-1 stays down (the second fault, hang) and at load 4 (the larger one still active)
  ]);
  clock.advance(1000); // 4 h
  expect(at(4000)).toEqual([
    [4000, 'agentFault', 'tdd-expert@dgx-3', { latencyMs: 100, dropRepliesPct: 5 }],
    [4000, 'hostDown', 'dgx-1', null],
    [4000, 'load', 'dgx-1', null],
    [4000, 'load', 'dgx-2', null],
    [4000, 'load', 'dgx-3', null],
  ]);
  clock.advance(1000); // 5 h
  expect(at(5000)).toEqual([
    [5000, 'agentFault', 'tdd-expert@dgx-1', {}],
    [5000, 'agentFault', 'tdd-expert@dgx-2', {}],
    [5000, 'agentFault', 'tdd-expert@dgx-3', { dropRepliesPct: 5 }],
  ]);
});

test('crash: once at its time; with "for", a loop (default every 10 s, at least 3 crashes; or the given interval)', () => {
  const { clock, calls, events, runner } = setup(`name: t
faults:
  - { at: 1h, target: { agent: tdd-expert, host: dgx-2 }, fault: crash }
  - { at: 2h, for: 1h, target: { agent: nix-expert, host: dgx-1 }, fault: crash }
  - { at: 4h, for: 1h, target: { agent: qa-expert, host: dgx-3 }, fault: crash, value: 2s }
`, { scale: 360 }); // 1 h = 10 s
  runner.start();
  clock.advance(60_000);
  expect(calls).toEqual([
    [10_000, 'crash', 'tdd-expert@dgx-2'],
    // 10 s window: the default 10 s interval is shortened to a third
    [20_000, 'crash', 'nix-expert@dgx-1'],
    [23_333, 'crash', 'nix-expert@dgx-1'],
    [26_667, 'crash', 'nix-expert@dgx-1'],
    ...[0, 2, 4, 6, 8].map((s) => [40_000 + s * 1000, 'crash', 'qa-expert@dgx-3']),
  ]);
  expect(events.filter((e) => e.action === 'crash')).toHaveLength(9);
  // a single crash is an event; a loop is applied and reverted around its crashes
  expect(events.map((e) => `${e.at - START} ${e.action}`)).toEqual([
    '10000 crash',
    '20000 apply', '20000 crash', '23333 crash', '26667 crash', '30000 revert',
    '40000 apply', '40000 crash', '42000 crash', '44000 crash', '46000 crash', '48000 crash', '50000 revert',
  ]);
  // A long loop at the default interval
  const p = placeFaults(parseScenarioText(`name: t\nfaults:\n  - { at: 0s, for: 24h, fault: crash }\n`, plan), 0, 720)[0];
  expect(crashTimes(p)).toHaveLength(12); // 120 s at 10 s
});

test('a unit stopped or a host down by the scenario does not crash meanwhile', () => {
  const { clock, calls, runner } = setup(`name: t
faults:
  - { at: 1h, for: 1h, target: { agent: tdd-expert, host: dgx-2 }, fault: stop }
  - { at: 1h30m, target: { agent: tdd-expert }, fault: crash }
  - { at: 1h, for: 1h, target: { host: dgx-3 }, fault: host-down }
`, { scale: 3600 });
  runner.start();
  clock.advance(3000);
  expect(calls).toEqual([
    [1000, 'stopped', 'tdd-expert@dgx-2', true],
    [1000, 'hostDown', 'dgx-3', 'refuse'],
    [1500, 'crash', 'tdd-expert@dgx-1'],
    [2000, 'stopped', 'tdd-expert@dgx-2', false],
    [2000, 'hostDown', 'dgx-3', null],
  ]);
});

test('errors: lines written as they accrue, at the rate in real time, only while active', () => {
  const { clock, calls, runner } = setup(`name: t
faults:
  - { at: 1h, for: 1h, target: { agent: tdd-expert, host: dgx-1 }, fault: errors, value: 30/s }
  - { at: 1h, for: 1h, target: { agent: qa-expert, host: dgx-1 }, fault: errors, value: 6/s }
`, { scale: 360 }); // the fault lasts 10 s of real time
  runner.start();
  clock.advance(60_000);
  const sum = (unit: string) => calls.filter((c) => c[1] === 'errors' && c[2] === unit).reduce((s, c) => s + (c[3] as number), 0);
  expect(sum('tdd-expert@dgx-1')).toBe(300);
  expect(sum('qa-expert@dgx-1')).toBe(60);
  const times = calls.filter((c) => c[1] === 'errors').map((c) => c[0] as number);
  expect(Math.min(...times)).toBe(10_000 + ERROR_PUMP_MS);
  expect(Math.max(...times)).toBe(20_000);
  // 30/s every 250 ms: 7 or 8 lines a pump, never a burst
  for (const c of calls.filter((c) => c[1] === 'errors' && c[2] === 'tdd-expert@dgx-1')) expect([7, 8]).toContain(c[3]);
  expect(clock.pending).toBe(0);
});

test('memory growth: bytes per plan hour become bytes per real second at the scale; stop, disk, NATS', async () => {
  const { clock, calls, runner } = setup(`name: t
faults:
  - { at: 1h, target: { agent: network-expert, host: dgx-1 }, fault: memory-growth, value: 3.6GB }
  - { at: 1h, for: 1h, target: { agent: network-expert, host: dgx-1 }, fault: memory-growth, value: 3.6GB }
  - { at: 2h, target: { host: dgx-3 }, fault: disk-fill, value: 95% }
  - { at: 2h, for: 30m, fault: nats-down }
  - { at: 3h, target: { agent: qa-expert, host: dgx-2 }, fault: stop }
`, { scale: 720 });
  runner.start();
  for (let i = 0; i < 30; i++) {
    clock.advance(1000);
    await new Promise((r) => setImmediate(r)); // let NATS stop before it is started again
  }
  await runner.stop({ revert: false });
  expect(calls).toEqual([
    [5000, 'memory', 'network-expert@dgx-1', 1.44e9], // 2 × 3.6e9 B/h × 720 / 3600 s
    [10_000, 'memory', 'network-expert@dgx-1', 0.72e9],
    [10_000, 'disk', 'dgx-3', 95],
    [10_000, 'natsDown', true],
    [12_500, 'natsDown', false],
    [15_000, 'stopped', 'qa-expert@dgx-2', true],
  ]);
});

test('a monitoring start in the past: active faults apply at once, past crashes are not replayed, "at: 0" still fires', () => {
  const { clock, calls, events, runner } = setup(`name: t
faults:
  - { at: 0s, target: { agent: tdd-expert, host: dgx-1 }, fault: crash }
  - { at: 1h, target: { agent: tdd-expert, host: dgx-2 }, fault: crash }
  - { at: 1h, for: 1h, target: { host: dgx-1 }, fault: load, value: 3 }
  - { at: 1h, for: 4h, target: { host: dgx-2 }, fault: load, value: 3 }
  - { at: 4h, target: { host: dgx-3 }, fault: load, value: 3 }
`, { scale: 1, startAtMs: START - 3 * 3_600_000, now: START }); // started 3 h ago
  runner.start();
  expect(calls).toEqual([[0, 'load', 'dgx-2', 3]]);
  expect(events.map((e) => e.text)).toEqual(['applied load 3 on dgx-2, T+1h for 4h']);
  clock.advanceTo(START + 3_600_000);
  expect(calls.slice(1)).toEqual([[3_600_000, 'load', 'dgx-3', 3]]);

  const fresh = setup(`name: t\nfaults:\n  - { at: 0s, target: { agent: tdd-expert, host: dgx-1 }, fault: crash }\n`, { startAtMs: START - 40, now: START });
  fresh.runner.start();
  expect(fresh.calls).toEqual([[0, 'crash', 'tdd-expert@dgx-1']]);
});

test('stop() reverts every active fault (NATS back up); stop({ revert: false }) leaves them; no timer left', async () => {
  const yaml = `name: t
faults:
  - { at: 1h, fault: nats-down }
  - { at: 1h, target: { agent: qa-expert }, fault: corrupt-payload, value: 10% }
  - { at: 1h, target: { host: dgx-1 }, fault: host-down }
  - { at: 1h, fault: errors, value: 1/s }
  - { at: 10h, fault: stop }
`;
  const a = setup(yaml, { scale: 3600 });
  a.runner.start();
  a.clock.advance(1500);
  const before = a.calls.length;
  await a.runner.stop();
  expect(a.calls.slice(before).filter((c) => c[1] !== 'errors')).toEqual([
    [1500, 'agentFault', 'qa-expert@dgx-1', {}],
    [1500, 'agentFault', 'qa-expert@dgx-2', {}],
    [1500, 'agentFault', 'qa-expert@dgx-3', {}],
    [1500, 'hostDown', 'dgx-1', null],
    [1500, 'natsDown', false],
  ]);
  expect(a.clock.pending).toBe(0);
  a.clock.advance(20_000);
  expect(a.calls.filter((c) => c[0] > 1500)).toEqual([]);

  const b = setup(yaml, { scale: 3600 });
  b.runner.start();
  b.clock.advance(1500);
  const n = b.calls.length;
  await b.runner.stop({ revert: false });
  expect(b.calls.length).toBe(n);
  expect(b.clock.pending).toBe(0);
});

test('a failing effect is reported and the runner goes on', () => {
  const clock = new FakeClock(START);
  const { fx, calls } = recorder(clock);
  const errors: string[] = [];
  const runner = new ScenarioRunner(parseScenarioText(`name: t\nfaults:\n  - { at: 1h, target: { host: dgx-1 }, fault: load, value: 3 }\n  - { at: 2h, target: { host: dgx-2 }, fault: load, value: 3 }\n`, plan), {
    plan,
    startAtMs: START,
    timeScale: 3600,
    clock,
    effects: { ...fx, setLoad: (h, l) => (h === 'dgx-1' ? (() => { throw new Error('boom'); })() : fx.setLoad(h, l)) },
    onError: (err, what) => errors.push(`${what}: ${(err as Error).message}`),
  }).start();
  clock.advance(3000);
  expect(errors).toEqual(['load on dgx-1: boom']);
  expect(calls).toEqual([[2000, 'load', 'dgx-2', 3]]);
  void runner;
});

test('desiredState is pure: the state at any instant', () => {
  const s = parseScenarioText(`name: t\nfaults:\n  - { at: 1h, for: 1h, target: { agent: tdd-expert }, fault: single-publish, value: unified }\n  - { at: 1h30m, target: { agent: tdd-expert, host: dgx-1 }, fault: single-publish }\n`, plan);
  const placed = placeFaults(s, 0, 1);
  const unit = (t: number, host: string) => desiredState(placed, t, plan, 1).units.get(`${host}\0tdd-expert`)!.agentFault;
  expect(unit(3_599_999, 'dgx-1')).toEqual({});
  expect(unit(3_600_000, 'dgx-1')).toEqual({ singlePublish: 'unified' });
  expect(unit(5_400_000, 'dgx-1')).toEqual({ singlePublish: 'legacy' }); // the latest to start wins
  expect(unit(5_400_000, 'dgx-2')).toEqual({ singlePublish: 'unified' });
  expect(unit(7_200_000, 'dgx-2')).toEqual({});
  expect(desiredState(placed, 7_200_000, plan, 1).natsDown).toBe(false);
});
