// Benchmark 3 — the sampler's ceiling: the highest message rate wavewatch's sampleTraffic counts
// with no drops and correct dual-publish pairing, against a bare subscriber (a process that only
// counts, on the same NATS server, in the same run). Two publisher processes (network-expert,
// tdd-expert) each publish events on cim-agent.<agent>.<kind> and cim.agent.<agent>.<kind> with the
// same Nats-Msg-Id; the rate is stepped up until the sampler is no longer exact.
// Exact means: legacy = unified = events published, pairs = events, pairedPct 100, window complete.
//
//   npx tsx bench/sampler-ceiling.ts [--quick] [--seconds S] [--repeats N]
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect } from '../src/collect/nats/client';
import { sampleTraffic } from '../src/collect/nats/sampler';
import { startNatsServer, freePort } from '../src/stack/nats-server';
import { QUICK, benchPlan, flag, header, median, r1, sleep, table, tempDir, machine } from './lib';
import { tsProcessArgs } from '../test/helpers/ts-process';

interface Child {
  proc: ChildProcess;
  ask(o: unknown): Promise<any>;
  stop(): Promise<void>;
}

async function child(args: string[]): Promise<Child> {
  const proc = spawn(process.execPath, tsProcessArgs(join(__dirname, 'nats-child.ts'), ...args), { stdio: ['pipe', 'pipe', 'inherit'] });
  const rl = createInterface({ input: proc.stdout! });
  const queue: ((v: any) => void)[] = [];
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  rl.on('line', (l) => {
    const m = JSON.parse(l);
    if (m.ready) return ready();
    queue.shift()?.(m);
  });
  await isReady;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return {
    proc,
    ask: (o) => new Promise((r) => {
      queue.push(r);
      proc.stdin!.write(JSON.stringify(o) + '\n');
    }),
    stop: async () => {
      proc.stdin!.end();
      await exited;
    },
  };
}

(async () => {
  header('Sampler ceiling: sampleTraffic vs a bare subscriber, same server, same run');
  const seconds = flag('seconds', QUICK ? 2 : 8);
  const repeats = flag('repeats', QUICK ? 1 : 3);
  // messages/s over both patterns (events/s × 2), summed over the two publishers
  const rates = QUICK ? [10_000, 40_000, 200_000] : [5_000, 20_000, 40_000, 80_000, 120_000, 160_000, 240_000, 320_000, 480_000];
  const root = tempDir('sampler');
  const nats = await startNatsServer({ port: await freePort(), monitorPort: await freePort(), dir: join(root, 'nats') });
  const plan = benchPlan(root, 3, (p) => {
    p.nats.servers = [nats.url];
    p.nats.monitoringUrl = nats.monitoringUrl;
    p.nats.sampling.minWindow = 1000;
    p.nats.sampling.maxSubjectsSampled = 1000;
  });
  const pubs = [await child(['pub', nats.url, 'network-expert']), await child(['pub', nats.url, 'tdd-expert'])];
  const sub = await child(['sub', nats.url]);
  const nc = await connect({ servers: nats.url, name: 'wavewatch:bench:sampler' });
  const rows: (string | number)[][] = [];
  let ceiling = 0;
  let bareCeiling = 0;
  let lastTarget = 0;
  let lastAchieved = 0;
  try {
    for (const rate of rates) {
      const results: { exact: boolean; bareExact: boolean; row: (string | number)[] }[] = [];
      for (let rep = 0; rep < repeats; rep++) {
        const eventsPerPub = Math.round(((rate / 2) * seconds) / pubs.length);
        const lead = plan.nats.sampling.skewWindow;
        await sub.ask({ cmd: 'reset' });
        // Generous: the publishers may fall behind their schedule (then publishing takes longer than
        // planned); every event they publish must still fall inside the window.
        const windowMs = seconds * 3000 + 6000;
        const sampling = sampleTraffic({ plan, nc, windowMs, checkServer: true });
        await sleep(lead + 1000);
        const t0 = performance.now();
        const done = await Promise.all(pubs.map((p) => p.ask({ events: eventsPerPub, rate: rate / 2 / pubs.length, maxMs: seconds * 2000 })));
        const pubMs = performance.now() - t0;
        const s = await sampling;
        await sleep(300);
        const bare = await sub.ask({ cmd: 'count' });
        // Publishers that cannot keep the rate stop after twice the planned time: what they did publish is expected.
        const published = done.reduce((a, d) => a + d.published, 0);
        const expected = published;
        const achieved = (published * 2) / (pubMs / 1000);
        const legacy = s.patterns?.legacy.count ?? 0;
        const unified = s.patterns?.unified.count ?? 0;
        const paired = s.dualPublish?.paired ?? 0;
        const overran = pubMs > windowMs - 1000; // cannot happen with maxMs; kept as a guard
        const exact = !overran && s.complete && legacy === expected && unified === expected && paired === expected && s.dualPublish?.pairedPct === 100;
        const bareExact = bare.count === expected * 2 && !bare.slow;
        results.push({
          exact,
          bareExact,
          row: [
            rate,
            Math.round(achieved),
            expected * 2,
            legacy + unified,
            paired,
            s.dualPublish?.pairedPct ?? '—',
            s.lagAtEndMs ?? '—',
            s.complete ? 'yes' : `no: ${s.incompleteReasons.join('; ').slice(0, 60)}`,
            exact ? 'EXACT' : overran ? 'publishers overran the window' : 'not exact',
            bare.count,
            bareExact ? 'EXACT' : bare.slow ? 'slow consumer' : 'not exact',
          ],
        });
        console.error(`[${new Date().toISOString()}] rate ${rate}: sampler ${exact ? 'exact' : 'NOT exact'}, bare ${bareExact ? 'exact' : 'NOT exact'} (achieved ${Math.round(achieved)}/s)`);
      }
      for (const r of results) rows.push(r.row);
      const allExact = results.every((r) => r.exact);
      const allBare = results.every((r) => r.bareExact);
      if (allExact) ceiling = Math.max(ceiling, median(results.map((r) => Number(r.row[1]))));
      if (allBare) bareCeiling = Math.max(bareCeiling, median(results.map((r) => Number(r.row[1]))));
      lastTarget = rate;
      lastAchieved = median(results.map((r) => Number(r.row[1])));
      if (!allExact && !allBare) break;
    }
  } finally {
    await nc.close().catch(() => undefined);
    for (const c of [...pubs, sub]) await c.stop();
    await nats.stop();
  }
  console.log(`${seconds} s of publishing per step (planned) inside a ${seconds * 3 + 6} s window; 2 publisher processes; messages/s count both patterns (2 per event).`);
  console.log(table(['target msg/s', 'achieved msg/s', 'published msgs', 'sampler counted', 'pairs', 'paired %', 'lag at end ms', 'window complete', 'sampler', 'bare counted', 'bare subscriber'], rows));
  console.log(`\nHighest achieved rate the sampler counted exactly in every repeat: ${ceiling ? `${Math.round(ceiling)} msg/s` : 'none of the rates tried'}; the bare subscriber: ${bareCeiling ? `${Math.round(bareCeiling)} msg/s` : 'none'} (${r1(ceiling && bareCeiling ? (ceiling / bareCeiling) * 100 : NaN)} % of it).${lastAchieved < lastTarget * 0.9 ? ` At the last step the publishers reached only ${Math.round(lastAchieved)} of ${lastTarget} msg/s: where both counted exactly, the figure is a lower bound set by the publishers, not the subscribers.` : ''}`);
  console.log(`finished: ${new Date().toISOString()}; ${machine()}`);
  process.exit(0);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
