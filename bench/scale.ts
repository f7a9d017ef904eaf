// Benchmark 5 — scale: the same wave with many hosts × 10 agents (5 under test, 5 control):
// 300 × 10 in --full, 30 × 10 by default, 10 × 10 in --quick. Measured: one monitor tick's host
// collection outside Temporal (collectHosts as a tick runs it: no GPU details; a warm pool, cold
// first) against the 5-minute monitor interval, then a whole compressed wave through Temporal:
// history per run (against Temporal's limits), tick and checkpoint collection times from the
// history, and worker memory. The simulated agents subscribe to their own subjects only (at 3000
// connections each on both whole patterns would receive every event 3000 times).
//
//   npx tsx bench/scale.ts [--quick | --full] [--hosts N] [--scale N] [--rate EVENTS_PER_S_PER_AGENT]
import { join } from 'node:path';
import { SshPool, sshPoolOptionsFromPlan, collectHosts } from '../src/collect/hosts';
import { connectClient } from '../src/client/waves';
import { startTemporalDevServer } from '../src/stack/temporal-server';
import { FULL, QUICK, benchPlan, flag, header, machine, median, r1, startFleetChild, table, tempDir } from './lib';
import { measureWave, writeBundle } from './wave-bench';
import { HISTORY_HEADERS, WAVE_HEADERS, historyRows, waveRows } from './workflow-cost';

(async () => {
  const hosts = flag('hosts', FULL ? 300 : QUICK ? 10 : 30);
  const agents = { test: 5, control: 5 };
  const scale = flag('scale', FULL ? 288 : QUICK ? 5760 : 720);
  // Events per second per simulated agent: at 300 × 10 the simulated fleet, not wavewatch, is what
  // this machine runs out of (BENCHMARKS.md §5), so its background traffic can be turned down.
  const rate = flag('rate', hosts >= 100 ? 0.2 : 1);
  header(`Scale: ${hosts} hosts × ${agents.test + agents.control} agents`);

  // 1. One monitor tick's host collection, outside Temporal.
  const root = tempDir('scale');
  const plan0 = benchPlan(root, hosts, (p) => {
    p.agents.underTest = Array.from({ length: agents.test }, (_, i) => p.agents.underTest[i] ?? { name: `test-expert-${i + 1}`, cluster: i % 2 ? 'quality-assurance' : 'infrastructure' });
    p.agents.control = Array.from({ length: agents.control }, (_, i) => p.agents.control[i] ?? { name: `control-expert-${i + 1}` });
  });
  const f0 = performance.now();
  const fleet = await startFleetChild(plan0, join(root, 'stack'), 'hosts');
  const fleetMs = performance.now() - f0;
  const plan = fleet.plan;
  const pool = new SshPool(sshPoolOptionsFromPlan(plan));
  const times: { kind: string; ms: number; cmds: number; failed: number; conns: number }[] = [];
  const reps = QUICK ? 2 : 5; // the first cold, the rest warm
  for (let i = 0; i < reps; i++) {
    const before = pool.connectionsOpened;
    const t0 = performance.now();
    const r = await collectHosts(pool, plan, { sinceMs: Date.now() - 300_000, gpus: false });
    times.push({ kind: i === 0 ? 'cold' : 'warm', ms: performance.now() - t0, cmds: r.commands.run, failed: r.commands.failed, conns: pool.connectionsOpened - before });
  }
  const full = performance.now();
  const cp = await collectHosts(pool, plan, { sinceMs: Date.now() - 3_600_000 });
  const checkpointMs = performance.now() - full;
  await pool.close();
  await fleet.stop();
  const warm = times.filter((t) => t.kind === 'warm').map((t) => t.ms);
  console.log(`Host collection (${hosts} hosts × ${agents.test + agents.control} agents; sim hosts in a child process, started in ${r1(fleetMs / 1000)} s):`);
  console.log(
    table(
      ['collection', 'ms', 'commands/failed', 'connections opened', 'of the 300 000 ms monitor interval'],
      [
        ['tick, cold pool', r1(times[0].ms), `${times[0].cmds}/${times[0].failed}`, times[0].conns, `${r1((times[0].ms / 300_000) * 100)} %`],
        [`tick, warm pool (median of ${warm.length})`, r1(median(warm)), `${times[1].cmds}/${times[1].failed}`, times[1].conns, `${r1((median(warm) / 300_000) * 100)} %`],
        ['checkpoint hosts part (with GPUs, 1 h of journal)', r1(checkpointMs), `${cp.commands.run}/${cp.commands.failed}`, 0, '—'],
      ],
    ),
  );

  // 2. A whole compressed wave through Temporal.
  const temporal = await startTemporalDevServer({ headless: true });
  const client = await connectClient({ address: temporal.address, namespace: 'default' });
  try {
    const bundleFile = await writeBundle(root);
    const r = await measureWave({ label: `scale-${hosts}x10`, hosts, agents, timeScale: scale, subscribe: 'own', ratePerSecond: rate, address: temporal.address, client, bundleFile });
    console.log(`\nWhole wave: time scale ${scale} (24 h in ${r1(86_400 / scale)} s, a tick due every ${r1(300_000 / scale)} ms; ticks whose collection overruns are skipped and counted):`);
    console.log(table(WAVE_HEADERS, waveRows([r])));
    console.log('\nHistory per run (Temporal defaults: error at 51,200 events or 50 MiB per run, warning at 10,240 / 10 MiB; 2 MiB per payload):');
    console.log(table(HISTORY_HEADERS, historyRows([r])));
  } finally {
    await client.connection.close();
    await temporal.stop();
  }
  console.log(`\nfinished: ${new Date().toISOString()}; ${machine()}`);
  process.exit(0);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
