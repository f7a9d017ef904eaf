// Benchmark 1 — one checkpoint's host collection (agent status, journal errors, system resources)
// for 3, 30 and 300 simulated hosts: wavewatch's collectHosts (one pooled ssh2 connection per host,
// commands in parallel) against the spec's way (the OpenSSH `ssh` client, one process and one
// connection per command, host after host), in the same run, against the same simulated hosts (in a
// child process, so the hosts' CPU is shared alike).
//
//   npx tsx bench/host-collection.ts [--quick] [--runs N]
//
// The spec's loops, as run here per host (every agent of the plan, as collectHosts does):
//   ssh … "systemctl show agent-runtime@A --property=ActiveState,SubState,ActiveEnterTimestamp"
//   ssh … "journalctl -u agent-runtime@A --since @T -o json --no-pager"  (| grep -i error | wc -l)
//   ssh … "journalctl -u agent-runtime@A --since @T -o json --no-pager"  (| grep ERROR | sort | uniq -c)
//   ssh … "cat /proc/uptime; cat /proc/loadavg; cat /proc/meminfo; df -P /opt/cim-dgx"   (uptime; free -h; df -h)
// The simulated hosts have no grep/wc/sort/uniq/free/uptime, take --since only as @epoch and answer
// journalctl only with -o json, so the filters run locally on the output and uptime/free read /proc: the same number of ssh processes,
// connections and round trips as the spec's loops.
import { spawn } from 'node:child_process';
import { SshPool, sshPoolOptionsFromPlan, collectHosts } from '../src/collect/hosts';
import type { Plan } from '../src/plan/schema';
import { QUICK, benchPlan, flag, header, median, r1, r2, startFleetChild, table, tempDir, machine } from './lib';

interface RunResult {
  ms: number;
  connections: number;
  commands: number;
  failed: number;
}

async function runWavewatch(plan: Plan, warm: SshPool | null): Promise<RunResult & { pool: SshPool }> {
  const pool = warm ?? new SshPool(sshPoolOptionsFromPlan(plan));
  const before = pool.connectionsOpened;
  const t0 = performance.now();
  const r = await collectHosts(pool, plan, { sinceMs: Date.now() - 3_600_000 });
  const ms = performance.now() - t0;
  if (r.unreachable.length) throw new Error(`wavewatch: unreachable hosts ${r.unreachable.map((u) => `${u.host}: ${u.error}`).join('; ')}`);
  return { ms, connections: pool.connectionsOpened - before, commands: r.commands.run, failed: r.commands.failed, pool };
}

function ssh(plan: Plan, host: Plan['hosts'][number], command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const args = [
    '-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-i', plan.ssh.identityFile!,
    '-o', `UserKnownHostsFile=${plan.ssh.knownHostsFile}`, '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'StrictHostKeyChecking=yes',
    '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=10', '-p', String(host.port), `${host.user}@${host.address}`, command,
  ];
  return new Promise((resolve, reject) => {
    const p = spawn('ssh', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.once('error', reject);
    p.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function runSpecWay(plan: Plan, hostLimit: number): Promise<RunResult & { errorLines: number }> {
  const agents = [...plan.agents.underTest, ...plan.agents.control].map((a) => a.name);
  const since = Math.floor((Date.now() - 3_600_000) / 1000);
  let commands = 0;
  let failed = 0;
  let errorLines = 0;
  const t0 = performance.now();
  for (const host of plan.hosts.slice(0, hostLimit)) {
    const run = async (cmd: string) => {
      const r = await ssh(plan, host, cmd);
      commands++;
      if (r.code !== 0) {
        failed++;
        if (failed === 1) console.error(`spec's way: ${host.name}: "${cmd}" exited ${r.code}: ${r.stderr.trim().slice(0, 200)}`);
      }
      return r.stdout;
    };
    for (const a of agents) await run(`systemctl show agent-runtime@${a} --property=ActiveState,SubState,ActiveEnterTimestamp`);
    for (const a of agents) {
      const out = await run(`journalctl -u agent-runtime@${a} --since @${since} -o json --no-pager`);
      errorLines += out.split('\n').filter((l) => /error/i.test(l)).length; // | grep -i error | wc -l
    }
    for (const a of agents) {
      const out = await run(`journalctl -u agent-runtime@${a} --since @${since} -o json --no-pager`);
      const counts = new Map<string, number>(); // | grep ERROR | sort | uniq -c
      for (const l of out.split('\n').filter((x) => x.includes('ERROR'))) counts.set(l, (counts.get(l) ?? 0) + 1);
    }
    await run(`cat /proc/uptime; cat /proc/loadavg; cat /proc/meminfo; df -P ${plan.agents.installPath}`);
  }
  return { ms: performance.now() - t0, connections: commands, commands, failed, errorLines };
}

(async () => {
  header('Host collection: wavewatch collectHosts vs the spec\'s ssh loops');
  const runs = flag('runs', QUICK ? 1 : 5);
  const sizes = [3, 30, 300];
  // Hosts the spec's way covers per size (it is sequential: 13 ssh processes per host). In --quick
  // it runs on 3 hosts of each fleet but the 300 one; the time for all hosts is extrapolated from its
  // time per host, marked "~". In full mode it runs on every host (once at 300 hosts, or on --spec300 N of them).
  const specHosts = (n: number) => (QUICK ? (n <= 30 ? 3 : 0) : n <= 30 ? n : flag('spec300', 300));
  const specRuns = (n: number) => (QUICK ? 1 : n >= 300 ? 1 : runs);
  const rows: (string | number)[][] = [];
  const growth: (string | number)[][] = [];
  for (const n of sizes) {
    const root = tempDir(`hosts${n}`);
    const t0 = performance.now();
    const fleet = await startFleetChild(benchPlan(root, n), root, 'hosts');
    const startMs = performance.now() - t0;
    const plan = fleet.plan;
    const ww: RunResult[] = [];
    const wwWarm: RunResult[] = [];
    const spec: (RunResult & { hosts: number })[] = [];
    const sh = specHosts(n);
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? ['ww', 'spec'] : ['spec', 'ww'];
      for (const which of order) {
        if (which === 'ww') {
          const cold = await runWavewatch(plan, null);
          ww.push(cold);
          // A monitor tick right after: the pool's connections are still open.
          const warm = await runWavewatch(plan, cold.pool);
          wwWarm.push(warm);
          await cold.pool.close();
        } else if (sh > 0 && i < specRuns(n)) {
          const s = await runSpecWay(plan, sh);
          spec.push({ ...s, hosts: sh });
        }
      }
    }
    const stats = (await fleet.call({ cmd: 'stats' })) as Record<string, { connections: number; commands: number }>;
    const simConns = Object.values(stats).reduce((a, b) => a + b.connections, 0);
    await fleet.stop();
    const wwMs = median(ww.map((r) => r.ms));
    const warmMs = median(wwWarm.map((r) => r.ms));
    const specPerHost = spec.length ? median(spec.map((r) => r.ms / r.hosts)) : NaN;
    const specMs = spec.length ? (sh === n ? median(spec.map((r) => r.ms)) : specPerHost * n) : NaN;
    const specLabel = !spec.length ? 'not run' : sh === n ? `${r1(specMs)}` : `~${r1(specMs)} (${sh} hosts run)`;
    rows.push([
      n,
      `${r1(wwMs)} (${ww.length})`,
      `${r1(warmMs)}`,
      ww[0].connections,
      wwWarm[0].connections,
      `${ww[0].commands}/${ww[0].failed}`,
      spec.length ? `${specLabel} (${spec.length})` : 'not run',
      spec.length ? Math.round((spec[0].connections / spec[0].hosts) * n) + (sh === n ? '' : ' (~)') : '—',
      spec.length ? `${spec[0].commands}/${spec[0].failed}` : '—',
      spec.length ? `${r1(specMs / wwMs)}×` : '—',
    ]);
    growth.push([n, r1(wwMs / n), r1(warmMs / n), spec.length ? r1(specPerHost) : '—', r1(startMs), simConns]);
    console.error(`[${new Date().toISOString()}] ${n} hosts done (load ${machine().split('load average ')[1]})`);
  }
  console.log('Time for one checkpoint collection, ms (median of runs; runs in parentheses). Cold = new pool; warm = the same pool right after (a monitor tick).');
  console.log(table(['hosts', 'wavewatch cold ms', 'warm ms', 'conns cold', 'conns warm', 'cmds/failed', "spec's way ms", 'spec conns', 'spec cmds/failed', 'spec ÷ wavewatch'], rows));
  console.log('\nGrowth with hosts: ms per host');
  console.log(table(['hosts', 'wavewatch cold ms/host', 'warm ms/host', "spec ms/host", 'fleet start ms', 'connections the sim hosts saw'], growth));
  console.log(`\nfinished: ${new Date().toISOString()}; ${machine()}`);
  process.exit(0);
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
