// The simulated fleet in its own process, driven by JSON lines on stdin (see bench/lib.ts):
//   {id:-1, cmd:'start', plan, stateDir, mode:'hosts'|'fleet', ratePerSecond?, subscribe?: 'patterns'|'own'|'none'}  → {ready: plan}
//   {id, cmd:'setFault', target, fault} · {id, cmd:'clearFaults'} · {id, cmd:'stopUnit', host, agent}
//   {id, cmd:'crash', host, agent, timeScale} (the unit dies, systemd restarts it after RestartSec) ·
//   {id, cmd:'natsDown', down} (kills / restarts the NATS server) — both answer the epoch ms they acted at
//   {id, cmd:'stats'} (sim hosts' connections/commands per host) · {id, cmd:'memory'}
// It exits when stdin closes. Loopback only: startLocalFleet refuses any other address.
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { Plan } from '../src/plan/schema';
import { FleetModel } from '../src/sim/fleet-model';
import { startSimHosts, type SimHosts } from '../src/sim/ssh-hosts';
import { startLocalFleet, type LocalFleet } from '../src/stack/local-stack';
import { fleetEffects, type FleetEffects } from '../src/sim/fleet-effects';

let hosts: SimHosts | null = null;
let fleet: LocalFleet | null = null;
let model: FleetModel | null = null;
let effects: (FleetEffects & { dispose(): void }) | null = null;

const send = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');

async function handle(m: Record<string, any>): Promise<unknown> {
  switch (m.cmd) {
    case 'start': {
      const plan: Plan = m.plan;
      for (const h of plan.hosts) if (h.address !== '127.0.0.1') throw new Error(`loopback only: ${h.name} is at ${h.address}`);
      if (m.mode === 'hosts') {
        model = new FleetModel(plan);
        hosts = await startSimHosts({ plan, stateDir: join(m.stateDir, 'sim'), model, ports: plan.hosts.map(() => 0), maxSessions: 10 });
        const p: Plan = structuredClone(plan);
        for (const h of p.hosts) h.port = hosts.hosts.find((x) => x.name === h.name)!.port;
        p.ssh.knownHostsFile = hosts.knownHostsFile;
        p.ssh.identityFile = hosts.clientKeyFile;
        return p;
      }
      // `subscribe: 'own'` (or 'none'): agents that subscribe to their own part of the patterns only
      // (or nothing): at 3000 agent connections, each on both whole patterns, every event would be
      // delivered 3000 times.
      fleet = await startLocalFleet({ plan, stateDir: m.stateDir, freePorts: true, ratePerSecond: m.ratePerSecond, subscribe: m.subscribe });
      model = fleet.model;
      await fleet.agents.ready(60_000);
      return fleet.plan;
    }
    case 'setFault':
      fleet!.agents.setFault(m.target ?? {}, m.fault);
      return true;
    case 'clearFaults':
      fleet!.agents.clearFaults();
      return true;
    case 'crash': {
      // The scenario runner's crash: the unit fails, systemd restarts it after RestartSec (5 s of plan time).
      effects ??= fleetEffects(fleet!, { timeScale: m.timeScale ?? 1 });
      const at = Date.now();
      effects.crash(m.host, m.agent);
      return at;
    }
    case 'natsDown': {
      effects ??= fleetEffects(fleet!, { timeScale: m.timeScale ?? 1 });
      const at = Date.now();
      await effects.setNatsDown(!!m.down);
      return at;
    }
    case 'stopUnit':
      model!.stop(m.host, m.agent);
      return Date.now();
    case 'stats': {
      const out: Record<string, { connections: number; commands: number }> = {};
      for (const [k, v] of hosts?.stats ?? []) out[k] = { connections: v.connections, commands: v.commands.length };
      return out;
    }
    case 'resetStats':
      for (const v of hosts?.stats.values() ?? []) {
        v.connections = 0;
        v.commands.length = 0;
      }
      return true;
    case 'memory':
      return process.memoryUsage();
    default:
      throw new Error(`unknown command ${m.cmd}`);
  }
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let m: Record<string, any>;
  try {
    m = JSON.parse(line);
  } catch {
    return;
  }
  handle(m).then(
    (result) => send(m.cmd === 'start' ? { ready: result } : { id: m.id, result }),
    (err) => send({ id: m.id, error: (err as Error).message }),
  );
});
rl.on('close', async () => {
  effects?.dispose();
  await hosts?.stop().catch(() => undefined);
  await fleet?.stop().catch(() => undefined);
  process.exit(0);
});
