// The watch's own cost (bench/watch.ts, part 2): runWatch alone in this process against a healthy
// simulated fleet in a child process (bench/fleet-child.ts), at time scale 1. Measured over a window
// after a warm-up: this process's CPU (process.cpuUsage: the watch is all that runs here), and the
// watch's messages — its probe requests (the report's probesSent), its HTTP reads of the NATS server's
// monitoring port (/connz pages and closed-connection look-ups, counted at node:http), and its SSH
// keepalives (counted at ssh2's Protocol.ping). The NATS client's own pings (one a second per
// server link, MIN_PING_INTERVAL_MS) are configured, not counted.
import http from 'node:http';
import { join } from 'node:path';
import { runWatch } from '../src/collect';
import type { WatchReport } from '../src/model/watch';
import { watchTimings } from '../src/plan/watch-timings';
import { benchPlan, machine, r1, r2, sleep, startFleetChild, table, tempDir } from './lib';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Protocol = require('ssh2/lib/protocol/Protocol.js') as { prototype: { ping: (...a: unknown[]) => unknown } };

const counts = { http: 0, connz: 0, pings: 0 };
let installed = false;
function installCounters(): void {
  if (installed) return;
  installed = true;
  const request = http.request;
  (http as { request: unknown }).request = function (this: unknown, ...args: unknown[]) {
    counts.http++;
    if (String(args[0]).includes('/connz')) counts.connz++;
    return (request as (...a: unknown[]) => unknown).apply(this, args);
  };
  const ping = Protocol.prototype.ping;
  Protocol.prototype.ping = function (this: unknown, ...args: unknown[]) {
    counts.pings++;
    return ping.apply(this, args);
  };
}

interface CostRow {
  size: string;
  probeIntervalS: number;
  warmupS: number;
  windowS: number;
  fleetStartS: number;
  cpuMsPerS: number;
  idleMsPerS: number;
  probesPerS: number;
  answeredPct: number;
  connzPerS: number;
  httpPerS: number;
  keepalivesPerS: number;
  events: number;
  eventKinds: string;
}

async function measure(hosts: number, agents: number, windowS: number): Promise<CostRow> {
  const big = hosts >= 100;
  // At 300 × 10 a lower probe rate (decisions, Watch): one probe per agent every 30 s, silence 90 s.
  const probeInterval = big ? 30_000 : 5000;
  const root = tempDir(`watch-cost-${hosts}x${agents}`);
  const plan0 = benchPlan(root, hosts, (p) => {
    if (agents !== 4) {
      const test = Math.ceil(agents / 2);
      p.agents.underTest = Array.from({ length: test }, (_, i) => p.agents.underTest[i] ?? { name: `test-expert-${i + 1}`, cluster: i % 2 ? 'quality-assurance' : 'infrastructure' });
      p.agents.control = Array.from({ length: agents - test }, (_, i) => p.agents.control[i] ?? { name: `control-expert-${i + 1}` });
    }
    p.watch.probeInterval = probeInterval;
    p.watch.silence = Math.max(p.watch.silence, 3 * probeInterval);
  });
  const f0 = performance.now();
  // As in bench/scale.ts: at 3000 agent connections, agents on their own subjects only and little background traffic.
  const fleet = await startFleetChild(plan0, join(root, 'stack'), 'fleet', big ? { subscribe: 'own', ratePerSecond: 0.02 } : {});
  const fleetStartS = (performance.now() - f0) / 1000;
  try {
    installCounters();
    // This process without the watch, for comparison (timers of the runtime, GC; the fleet is in its child).
    const i0 = process.cpuUsage();
    const it0 = performance.now();
    await sleep(5000);
    const idle = process.cpuUsage(i0);
    const idleMsPerS = (idle.user + idle.system) / 1000 / ((performance.now() - it0) / 1000);
    let last: WatchReport | null = null;
    const ac = new AbortController();
    const running = runWatch(fleet.plan, { waveId: 'bench-watch-cost', watcher: 'bench/1', timeScale: 1, signal: ac.signal, save: (r) => void (last = r) });
    // Warm-up: every SSH connection made and every agent probed at least once.
    const warmupS = big ? 2 * probeInterval / 1000 + 30 : 15;
    await sleep(warmupS * 1000);
    const snap = () => ({ t: performance.now(), cpu: process.cpuUsage(), ...counts, probes: (last as WatchReport | null)?.probesSent ?? 0, answered: (last as WatchReport | null)?.probesAnswered ?? 0 });
    const a = snap();
    await sleep(windowS * 1000);
    const b = snap();
    ac.abort();
    const report = await running;
    const s = (b.t - a.t) / 1000;
    const cpuMs = (b.cpu.user - a.cpu.user + b.cpu.system - a.cpu.system) / 1000;
    const kinds = new Map<string, number>();
    for (const e of report.events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
    return {
      size: `${hosts} × ${agents}`,
      probeIntervalS: watchTimings(fleet.plan, 1).probeIntervalMs / 1000,
      warmupS,
      windowS: s,
      fleetStartS,
      cpuMsPerS: cpuMs / s,
      idleMsPerS,
      probesPerS: (b.probes - a.probes) / s,
      answeredPct: b.probes > a.probes ? ((b.answered - a.answered) / (b.probes - a.probes)) * 100 : NaN,
      connzPerS: (b.connz - a.connz) / s,
      httpPerS: (b.http - a.http) / s,
      keepalivesPerS: (b.pings - a.pings) / s,
      events: report.events.length,
      eventKinds: [...kinds].map(([k, n]) => `${k} ${n}`).join(', ') || 'none',
    };
  } finally {
    await fleet.stop();
  }
}

export async function costSection(sizes: { hosts: number; agents: number }[], windowS: number): Promise<void> {
  const rows: CostRow[] = [];
  for (const z of sizes) {
    const before = machine();
    rows.push(await measure(z.hosts, z.agents, windowS));
    console.error(`cost ${z.hosts}×${z.agents} done (${before})`);
  }
  console.log(`\n## Cost: runWatch alone in the bench process against a healthy simulated fleet (child process), time scale 1; ${machine()}\n`);
  console.log(
    table(
      ['hosts × agents', 'probe interval s', 'warm-up s', 'window s', 'fleet start s', 'watch CPU ms/s (% of a core)', 'same process idle ms/s', 'probe requests/s (answered %)', '/connz reads/s', 'HTTP requests/s', 'SSH keepalives/s', 'messages/s (probes + HTTP + keepalives)', 'events seen (whole run)'],
      rows.map((r) => [
        r.size,
        r.probeIntervalS,
        r.warmupS,
        r1(r.windowS),
        r1(r.fleetStartS),
        `${r2(r.cpuMsPerS)} (${r2(r.cpuMsPerS / 10)} %)`,
        r2(r.idleMsPerS),
        `${r2(r.probesPerS)} (${r1(r.answeredPct)} %)`,
        r2(r.connzPerS),
        r2(r.httpPerS),
        r2(r.keepalivesPerS),
        r2(r.probesPerS + r.httpPerS + r.keepalivesPerS),
        `${r.events} (${r.eventKinds})`,
      ]),
    ),
  );
}
