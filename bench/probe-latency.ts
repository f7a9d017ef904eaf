// Benchmark 2 — latency probes. An agent with a known injected latency (setFault latencyMs 20 on
// top of the simulator's own reply delay, log-normal median ~2 ms), measured in the same run, rounds
// interleaved, by:
//   probe   wavewatch's runProbe (open loop at the plan's rate, latency from the intended send time)
//   floor   a bare `nc.request` loop on the same connection, one request after the other
//   cli     the spec's `time nats request …`: one `nats` process per request (natscli v0.5.0 from
//           `go install github.com/nats-io/natscli/nats@v0.5.0`, GOBIN=/tmp/wavewatch-bench-gobin);
//           wall time per process (what `time` shows) and the rtt the CLI prints itself
//   node    only when the nats CLI is missing: a tiny node script per request (labelled as such)
// The fleet (NATS server + simulated agents) runs in a child process.
//
//   npx tsx bench/probe-latency.ts [--quick] [--rounds N] [--count N] [--nats PATH]
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '../src/collect/nats/client';
import { runProbe } from '../src/collect/nats/probes';
import { probeSubject } from '../src/collect/nats/subjects';
import { QUICK, benchPlan, flag, header, median, quantile, r1, r2, startFleetChild, table, tempDir, machine } from './lib';

const INJECTED = 20;
const AGENT = 'network-expert';

function natsBin(): string | null {
  const i = process.argv.indexOf('--nats');
  const cands = [i >= 0 ? process.argv[i + 1] : '', '/tmp/wavewatch-bench-gobin/nats', join(__dirname, '../.wavewatch/gobin/nats')];
  return cands.find((c) => c && existsSync(c)) ?? null;
}

function timeProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.once('error', reject);
    p.once('close', (code) => resolve({ ms: performance.now() - t0, stdout: out, code }));
  });
}

(async () => {
  header(`Probe latency: an agent with ${INJECTED} ms injected latency, measured four ways`);
  const rounds = flag('rounds', QUICK ? 2 : 5);
  const count = flag('count', 100);
  const cliCount = flag('cli-count', QUICK ? 40 : 100);
  const root = tempDir('probe');
  const fleet = await startFleetChild(benchPlan(root, 3), root, 'fleet');
  const plan = fleet.plan;
  await fleet.call({ cmd: 'setFault', target: { agent: AGENT }, fault: { latencyMs: INJECTED } });
  const subject = probeSubject(plan.nats.probe.subject, AGENT);
  const payload = plan.nats.probe.payload;
  const url = plan.nats.servers[0];
  const nc = await connect({ servers: url, name: 'bench:probe-latency' });
  const bin = natsBin();
  const env = { ...process.env, XDG_CONFIG_HOME: join(root, 'xdg'), HOME: root };
  let nodeScript: string | null = null;
  if (!bin) {
    nodeScript = join(root, 'request-once.js');
    writeFileSync(
      nodeScript,
      `const {connect}=require(${JSON.stringify(require.resolve('@nats-io/transport-node'))});(async()=>{const nc=await connect({servers:process.argv[2]});const t=performance.now();await nc.request(process.argv[3],process.argv[4],{timeout:2000});console.log('rtt',performance.now()-t);await nc.close();})().catch(e=>{console.error(e.message);process.exit(1)});`,
    );
  }
  // warm-up
  for (let i = 0; i < 20; i++) await nc.request(subject, payload, { timeout: 2000 });

  const per: Record<string, { p50: number[]; p99: number[]; min: number[]; loss: number[] }> = {};
  const add = (k: string, xs: number[], loss: number) => {
    per[k] ??= { p50: [], p99: [], min: [], loss: [] };
    per[k].p50.push(quantile(xs, 0.5));
    per[k].p99.push(quantile(xs, 0.99));
    per[k].min.push(Math.min(...xs));
    per[k].loss.push(loss);
  };
  const methods = ['probe', 'floor', bin ? 'cli' : 'node'];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? methods : [...methods].reverse();
    for (const m of order) {
      if (m === 'probe') {
        const res = await runProbe({ nc, agent: AGENT, subject, payload, count, ratePerSecond: plan.nats.probe.ratePerSecond, timeoutMs: plan.nats.probe.timeout });
        per.probe ??= { p50: [], p99: [], min: [], loss: [] };
        per.probe.p50.push(res.latency.p50 ?? NaN);
        per.probe.p99.push(res.latency.p99 ?? NaN);
        per.probe.min.push(res.latency.min ?? NaN);
        per.probe.loss.push(res.lossCount);
        per['probe send lag'] ??= { p50: [], p99: [], min: [], loss: [] };
        per['probe send lag'].p50.push(res.sendLag.p50 ?? NaN);
        per['probe send lag'].p99.push(res.sendLag.p99 ?? NaN);
        per['probe send lag'].min.push(res.sendLag.min ?? NaN);
        per['probe send lag'].loss.push(0);
      } else if (m === 'floor') {
        const xs: number[] = [];
        let loss = 0;
        for (let i = 0; i < count; i++) {
          const t = performance.now();
          try {
            await nc.request(subject, payload, { timeout: plan.nats.probe.timeout });
            xs.push(performance.now() - t);
          } catch {
            loss++;
          }
        }
        add('floor', xs, loss);
      } else if (m === 'cli') {
        const wall: number[] = [];
        const rtt: number[] = [];
        let loss = 0;
        for (let i = 0; i < cliCount; i++) {
          const p = await timeProcess(bin!, ['request', '--server', url, '--timeout', '2s', subject, payload], env);
          if (p.code !== 0) {
            loss++;
            if (loss === 1) console.error(`nats request failed: ${p.stdout.trim().slice(0, 300)}`);
            continue;
          }
          wall.push(p.ms);
          const mm = /rtt\s+([\d.]+)(µs|us|ms|s)\b/.exec(p.stdout);
          if (mm) rtt.push(Number(mm[1]) * (mm[2] === 's' ? 1000 : mm[2] === 'ms' ? 1 : 0.001));
        }
        add('cli: time nats request (wall)', wall, loss);
        if (rtt.length) add('cli: rtt the CLI prints', rtt, loss);
      } else {
        const wall: number[] = [];
        const rtt: number[] = [];
        let loss = 0;
        for (let i = 0; i < cliCount; i++) {
          const p = await timeProcess(process.execPath, [nodeScript!, url, subject, payload], env);
          if (p.code !== 0) {
            loss++;
            continue;
          }
          wall.push(p.ms);
          const mm = /rtt ([\d.]+)/.exec(p.stdout);
          if (mm) rtt.push(Number(mm[1]));
        }
        add('node process per request (stand-in for the nats CLI; wall)', wall, loss);
        if (rtt.length) add('node process per request (in-process rtt)', rtt, loss);
      }
    }
  }
  await nc.close();
  await fleet.stop();

  const floorP50 = median(per.floor.p50);
  const floorP99 = median(per.floor.p99);
  const rows = Object.entries(per).map(([k, v]) => {
    const p50 = median(v.p50);
    const p99 = median(v.p99);
    const isLag = k === 'probe send lag';
    return [
      k,
      v.p50.length,
      r2(median(v.min)),
      r2(p50),
      r2(p99),
      isLag ? '—' : r2(p50 - INJECTED),
      isLag ? '—' : r2(p50 - floorP50),
      isLag ? '—' : r2(p99 - floorP99),
      isLag ? '—' : r2(p50 / floorP50) + '×',
      v.loss.reduce((a, b) => a + b, 0),
    ];
  });
  console.log(`agent ${AGENT}: injected ${INJECTED} ms + the simulator's own reply delay; ${count} requests per round for probe and floor (${plan.nats.probe.ratePerSecond}/s for the probe), ${cliCount} for the process-per-request method; medians over rounds.`);
  console.log(table(['method', 'rounds', 'min ms', 'p50 ms', 'p99 ms', 'p50 − injected', 'p50 − floor p50 (overhead)', 'p99 − floor p99', 'p50 ÷ floor', 'lost'], rows));
  console.log(`\nnats CLI: ${bin ? `${bin} (natscli v0.5.0)` : 'not found: the node process-per-request stand-in was measured instead'}`);
  console.log(`finished: ${new Date().toISOString()}; ${machine()}`);
  process.exit(0);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
