// Benchmark 6 — the continuous watch (issue 14).
// 1. Reaction at time scale 1: a short plan (the 5-minute monitor interval, checkpoints from T+10m, a
//    fault two minutes in), from the fault to the rollback's first step (runRollbackStep scheduled in
//    the history), with the watch (`watch.enabled: true`) and without it (the tick alone), for an agent
//    under test that crashes (systemd restarts it 5 s later), a NATS outage (the server killed for
//    20 s) and probe loss (every instance of an agent under test drops its replies). Every wave runs at
//    the same time, on one Temporal dev server and one worker, each with its own simulated fleet (in
//    its own process), so each with/without pair sees the same load.
// 2. Cost (bench/watch-cost.ts): runWatch alone in this process against a simulated fleet in a child:
//    CPU and messages per second for 3 × 4 and 300 × 10.
//
//   npx tsx bench/watch.ts [--quick] [--faults crash,nats-down,probe-loss] [--outage-s 20] [--cost-s S] [--skip-reaction] [--skip-cost]
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { connectClient, startWave } from '../src/client/waves';
import type { WaveStatus } from '../src/model/status';
import type { Plan } from '../src/plan/schema';
import { startTemporalDevServer } from '../src/stack/temporal-server';
import { QUICK, benchPlan, flag, header, machine, r1, sleep, startFleetChild, table, tempDir, type FleetChild } from './lib';
import { spawnWorker, writeBundle } from './wave-bench';
import { costSection } from './watch-cost';

const FAULTS = ['crash', 'nats-down', 'probe-loss'] as const;
type Fault = (typeof FAULTS)[number];
const MIN = 60_000;
const FAULT_AT_MS = 2 * MIN;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/**
 * plans/local.yaml at time scale 1, shortened: the spec's 5-minute monitor interval, the four
 * checkpoints at 10, 12, 14 and 16 minutes (after the measured stretch, so no checkpoint decides it),
 * the rollback criteria as they are; the watch on or off.
 */
export function reactionPlan(root: string, watch: boolean): Plan {
  return benchPlan(root, 3, (p) => {
    const rename = new Map<string, string>();
    p.checkpoints.forEach((c, i) => {
      const name = `T+${10 + 2 * i}m`;
      rename.set(c.name, name);
      c.name = name;
      c.at = (10 + 2 * i) * MIN;
    });
    for (const c of p.criteria) c.checkpoints = c.checkpoints.map((n) => rename.get(n) ?? n);
    p.wave.duration = 16 * MIN;
    p.watch.enabled = watch;
  });
}

interface Reaction {
  fault: Fault;
  watch: boolean;
  waveId: string;
  faultAt: number | null;
  /** First runRollbackStep scheduled (history), epoch ms. */
  firstStepAt: number | null;
  rollbackStartedAt: number | null;
  trigger: string | null;
  ticks: number;
  ticksAsked: number;
  coalesced: number;
  note: string;
}

async function applyFault(fault: Fault, fleet: FleetChild, outageMs: number): Promise<number> {
  const host = fleet.plan.hosts[0].name;
  const agent = fleet.plan.agents.underTest[0].name;
  switch (fault) {
    case 'crash':
      return (await fleet.call({ cmd: 'crash', host, agent, timeScale: 1 })) as number;
    case 'nats-down': {
      const at = (await fleet.call({ cmd: 'natsDown', down: true })) as number;
      setTimeout(() => void fleet.call({ cmd: 'natsDown', down: false }).catch((e) => console.error(`nats restart: ${e.message}`)), outageMs);
      return at;
    }
    case 'probe-loss': {
      // Every instance of the agent (all hosts): the watch's probe goes to the agent's queue group,
      // so one instance of three dropping its replies loses a third of them and is never silent.
      const at = Date.now();
      await fleet.call({ cmd: 'setFault', target: { agent }, fault: { dropRepliesPct: 100 } });
      return at;
    }
  }
}

async function firstRollbackStep(client: Client, waveId: string): Promise<number | null> {
  const h = await client.workflow.getHandle(waveId).fetchHistory();
  for (const e of h.events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s?.activityType?.name === 'runRollbackStep') return Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
  }
  return null;
}

async function oneWave(o: { client: Client; taskQueue: string; root: string; fault: Fault; watch: boolean; startAtMs: number; outageMs: number }): Promise<Reaction> {
  const label = `${o.fault}-${o.watch ? 'watch' : 'tick'}`;
  const dir = join(o.root, label);
  const fleet = await startFleetChild(reactionPlan(dir, o.watch), join(dir, 'stack'), 'fleet');
  const waveId = `bench-watch-${label}-${o.startAtMs}`;
  const r: Reaction = { fault: o.fault, watch: o.watch, waveId, faultAt: null, firstStepAt: null, rollbackStartedAt: null, trigger: null, ticks: 0, ticksAsked: 0, coalesced: 0, note: '' };
  try {
    await sleep(Math.max(0, o.startAtMs - Date.now()));
    const handle = await startWave(o.client, fleet.plan, { waveId, timeScale: 1, policy: 'auto', startAtMs: o.startAtMs, taskQueue: o.taskQueue });
    const query = () => handle.query<WaveStatus>('status').catch(() => null);
    await sleep(Math.max(0, o.startAtMs + FAULT_AT_MS - Date.now()));
    const early = await query();
    if (early?.rollback.startedAt) r.note = `rolled back before the fault (${early.rollback.trigger?.criterion ?? early.rollback.trigger?.kind})`;
    else r.faultAt = await applyFault(o.fault, fleet, o.outageMs);
    // Without the watch the next tick is due 5 min after the start (3 min after the fault): wait a whole interval more.
    const deadline = (r.faultAt ?? Date.now()) + fleet.plan.monitor.interval + 90_000;
    let s: WaveStatus | null = early;
    while (!r.note && Date.now() < deadline) {
      s = (await query()) ?? s;
      if (s?.rollback.startedAt && (s.rollback.steps[0]?.state !== 'pending' || s.rollback.finishedAt)) break;
      await sleep(500);
    }
    s = (await query()) ?? s;
    r.rollbackStartedAt = s?.rollback.startedAt ? Date.parse(s.rollback.startedAt) : null;
    r.trigger = s?.rollback.trigger ? (s.rollback.trigger.criterion ?? s.rollback.trigger.kind) : null;
    r.ticks = s?.interim.ticks ?? 0;
    r.ticksAsked = s?.interim.watch.ticksAsked ?? 0;
    r.coalesced = s?.interim.watch.ticksAskedCoalesced ?? 0;
    r.firstStepAt = await firstRollbackStep(o.client, waveId);
    if (!r.note && r.firstStepAt === null) r.note = `no rollback within ${r1((deadline - (r.faultAt ?? 0)) / 1000)} s of the fault; last tick note: ${s?.interim.lastTickNote ?? '—'}`;
    await handle.terminate('benchmark measured').catch(() => undefined);
    return r;
  } finally {
    await fleet.stop();
  }
}

async function reactionSection(faults: Fault[], outageMs: number): Promise<void> {
  const root = tempDir('watch');
  const temporal = await startTemporalDevServer({ headless: true });
  const client = await connectClient({ address: temporal.address, namespace: 'default' });
  const taskQueue = `bench-watch-${Date.now()}`;
  try {
    const bundleFile = await writeBundle(root);
    const worker = await spawnWorker(temporal.address, taskQueue, join(root, 'store'), bundleFile);
    try {
      // Every wave starts at the same moment (fleets started first), so every fault comes at once.
      const startAtMs = Date.now() + 10_000 * faults.length;
      const waves = faults.flatMap((fault) => [true, false].map((watch) => oneWave({ client, taskQueue, root, fault, watch, startAtMs, outageMs })));
      const t0 = Date.now();
      const results = await Promise.all(waves);
      console.log(`## Reaction: fault → the rollback's first step, time scale 1 (monitor interval 5 min; fault 2 min after the start; NATS outage ${outageMs / 1000} s)`);
      console.log(`${results.length} waves at once on one dev server and one worker, each with its own fleet; ${r1((Date.now() - t0) / 1000)} s in all; ${machine()}\n`);
      console.log(
        table(
          ['fault', 'watch', 'fault → first rollback step s', 'fault → rollback.startedAt s', 'trigger', 'ticks', 'ticks asked/coalesced', 'note'],
          results.map((x) => [
            x.fault,
            x.watch ? 'on' : 'off (tick only)',
            x.firstStepAt !== null && x.faultAt !== null ? r1((x.firstStepAt - x.faultAt) / 1000) : '—',
            x.rollbackStartedAt !== null && x.faultAt !== null ? r1((x.rollbackStartedAt - x.faultAt) / 1000) : '—',
            x.trigger ?? '—',
            x.ticks,
            `${x.ticksAsked}/${x.coalesced}`,
            x.note || '',
          ]),
        ),
      );
    } finally {
      await worker.stop();
    }
  } finally {
    await client.connection.close();
    await temporal.stop();
  }
}

(async () => {
  header('The continuous watch: reaction and cost');
  const faults = (arg('faults')?.split(',') ?? (QUICK ? ['crash'] : [...FAULTS])) as Fault[];
  for (const f of faults) if (!FAULTS.includes(f)) throw new Error(`unknown fault ${f} (one of ${FAULTS.join(', ')})`);
  if (!process.argv.includes('--skip-reaction')) await reactionSection(faults, flag('outage-s', 20) * 1000);
  if (!process.argv.includes('--skip-cost')) await costSection(QUICK ? [{ hosts: 3, agents: 4 }] : [{ hosts: 3, agents: 4 }, { hosts: 300, agents: 10 }], flag('cost-s', QUICK ? 20 : 60));
  console.log(`\nfinished: ${new Date().toISOString()}; ${machine()}`);
  process.exit(0); // the SDK's native runtime would keep the process alive
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
