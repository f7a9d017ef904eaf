// Benchmark 4 — workflow cost of a whole compressed 24 h Wave 2 (plans/local.yaml: 3 hosts × 4
// agents) on a local Temporal dev server: history events and bytes per run of the continue-as-new
// chain, the largest event, worker memory over the wave (its own process), and the time from a
// rollback criterion's breach (FleetModel.stop of an agent under test, after 2 monitor ticks) to the
// rollback's start (status.rollback.startedAt) and its first step. The healthy wave and the rollback
// waves run at the same time, each with its own fleet and worker process.
//
//   npx tsx bench/workflow-cost.ts [--quick] [--scale N] [--rollbacks N] [--events-per-run N]
import { connectClient } from '../src/client/waves';
import { startTemporalDevServer } from '../src/stack/temporal-server';
import { QUICK, flag, header, machine, median, r1, table, tempDir, MiB } from './lib';
import { LIMITS, measureWave, memorySummary, writeBundle, quantile, type WaveBenchResult } from './wave-bench';

export function historyRows(results: WaveBenchResult[]): (string | number)[][] {
  const rows: (string | number)[][] = [];
  for (const r of results)
    r.runs.forEach((run, i) =>
      rows.push([r.label, `${i + 1}/${r.runs.length}`, run.events, r1(run.bytes / 1024), `${r1((run.events / LIMITS.events) * 100)} %`, `${r1((run.bytes / LIMITS.bytes) * 100)} %`, `${r1(run.maxEventBytes / 1024)} (${run.maxEventType})`]),
    );
  return rows;
}

export function waveRows(results: WaveBenchResult[]): (string | number)[][] {
  return results.map((r) => {
    const m = memorySummary(r.memory);
    return [
      r.label,
      `${r.hosts}×${r.agentsPerHost}`,
      r.timeScale,
      r1(r.wallMs / 1000),
      `${r.phase}/${r.verdict ?? '—'}`,
      `${r.runs.length} (status.runs ${r.statusRuns})`,
      r.totalEvents,
      r1(r.totalBytes / 1024),
      `${r.ticks}/${r.skippedTicks}`,
      r.tickMs.length ? `${r1(median(r.tickMs))} / ${r1(quantile(r.tickMs, 0.95))} / ${r1(Math.max(...r.tickMs))}` : '—',
      r.checkpointMs.map((c) => `${c.name} ${r1(c.ms / 1000)}`).join(', ') || '—',
      `${r1(m.start)} / ${r1(m.peak)} / ${r1(m.end)}`,
      `${r1(m.heapPeak)} / ${r1(m.heapEnd)}`,
      r1(m.slopeMiBPerMin),
    ];
  });
}

export const WAVE_HEADERS = ['wave', 'hosts×agents', 'scale', 'wall s', 'phase/verdict', 'runs', 'events', 'history KiB', 'ticks/skipped', 'tick collection ms p50/p95/max', 'checkpoint activity s', 'worker RSS MiB start/peak/end', 'heap MiB peak/end', 'heap slope MiB/min (2nd half)'];
export const HISTORY_HEADERS = ['wave', 'run', 'events', 'KiB', 'of 51,200 events', 'of 50 MiB', 'largest event KiB (type)'];

if (require.main === module)
  (async () => {
    header('Workflow cost: a whole compressed 24 h Wave 2 on a local Temporal dev server');
    const scale = flag('scale', QUICK ? 5760 : 720);
    const rollbacks = flag('rollbacks', QUICK ? 1 : 3);
    // Rollback waves at a scale where a monitor tick (5 min / scale) is longer than a tick's collection,
    // so the breach is seen at the next tick rather than behind a queue of skipped ticks and checkpoints.
    const rollbackScale = flag('rollback-scale', 144);
    const perRun = flag('events-per-run', QUICK ? 40 : 150);
    const root = tempDir('wfcost');
    const temporal = await startTemporalDevServer({ headless: true });
    const client = await connectClient({ address: temporal.address, namespace: 'default' });
    try {
      const bundleFile = await writeBundle(root);
      const base = { hosts: 3, address: temporal.address, client, bundleFile };
      const healthy = measureWave({ ...base, label: 'healthy', timeScale: scale });
      // The same wave continuing as new every `perRun` events: what a continued run starts with (the
      // carried state) and whether anything grows from run to run.
      const continued = measureWave({ ...base, label: `healthy, new run every ${perRun} events`, timeScale: scale, eventsPerRun: perRun });
      const rb: WaveBenchResult[] = [];
      const rollbackRuns = (async () => {
        for (let i = 0; i < rollbacks; i++) rb.push(await measureWave({ ...base, label: `rollback-${i + 1}`, timeScale: rollbackScale, rollback: { afterTicks: 2 } }));
      })();
      const [h, can] = await Promise.all([healthy, continued, rollbackRuns]);
      const all = [h, can, ...rb];
      console.log(`healthy wave: time scale ${scale}: 24 h in ${r1(86_400 / scale)} s; monitor tick due every ${r1(300_000 / scale)} ms of wall time. Rollback waves: scale ${rollbackScale} (tick every ${r1(300_000 / rollbackScale)} ms), ended by the rollback.\n`);
      console.log(table(WAVE_HEADERS, waveRows(all)));
      console.log('\nHistory per run of the continue-as-new chain (Temporal defaults: error at 51,200 events or 50 MiB per run, warning at 10,240 / 10 MiB; 2 MiB per payload):');
      console.log(table(HISTORY_HEADERS, historyRows(all)));
      console.log('\nRollback: breach = an agent under test stopped (FleetModel.stop) after 2 monitor ticks; times are wall ms from the breach.');
      console.log(
        table(
          ['wave', 'trigger', 'breach → rollback.startedAt ms', 'breach → first step done ms', 'tick interval ms at this scale', 'startedAt in ticks'],
          rb.map((r) => [r.label, r.rollback?.trigger ?? '—', r.rollback?.latencyMs ?? '—', r.rollback?.firstStepMs ?? '—', r1(r.rollback?.tickIntervalMs ?? NaN), r.rollback?.latencyMs != null ? r1(r.rollback.latencyMs / r.rollback.tickIntervalMs) : '—']),
        ),
      );
      const lat = rb.map((r) => r.rollback?.latencyMs).filter((x): x is number => typeof x === 'number');
      if (lat.length) console.log(`\nmedian breach → rollback start: ${median(lat)} ms over ${lat.length} wave(s)`);
      console.log(`finished: ${new Date().toISOString()}; ${machine()}; MiB = ${MiB} bytes`);
    } finally {
      await client.connection.close();
      await temporal.stop();
    }
    process.exit(0); // the SDK's native runtime would keep the process alive
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
