// The embedded default: a NATS server and the simulated fleet (SSH hosts + NATS agents) on
// 127.0.0.1, for a plan that points there. Used by `wavewatch sim`, the demo, the tests and the
// benchmarks. `freePorts` rewrites the plan's ports so several stacks can run side by side.
import { join, resolve } from 'node:path';
import type { Plan } from '../plan/schema';
import { FleetModel } from '../sim/fleet-model';
import { startSimHosts } from '../sim/ssh-hosts';
import { startSimAgents } from '../sim/nats-agents';
import type { SimAgents, SimAgentsOptions } from '../sim/sim-agents';
import { startNatsServer, type NatsServerHandle } from './nats-server';

export interface LocalFleet {
  /** The plan as the fleet runs it (ports, key and known_hosts paths filled in). */
  plan: Plan;
  model: FleetModel;
  nats: NatsServerHandle;
  agents: SimAgents;
  stop(): Promise<void>;
}

/** The simulated fleet answers on loopback only: a plan with another host address is refused. */
export function assertLoopback(plan: Plan): void {
  for (const h of plan.hosts)
    if (h.address !== '127.0.0.1' && h.address !== 'localhost' && h.address !== '::1')
      throw new Error(`the simulated fleet only runs on 127.0.0.1; host ${h.name} is at ${h.address} (use plans/local.yaml, not plans/wave2.yaml)`);
}

function portOf(url: string): number {
  return Number(new URL(url.replace(/^nats:/, 'http:').replace(/^tls:/, 'http:')).port);
}

export async function startLocalFleet(opts: { plan: Plan; stateDir: string; freePorts?: boolean; ratePerSecond?: number; subscribe?: SimAgentsOptions['subscribe'] }): Promise<LocalFleet> {
  assertLoopback(opts.plan);
  const stateDir = resolve(opts.stateDir);
  const plan: Plan = structuredClone(opts.plan);
  const { stops, stop } = stopsInReverse();
  try {
    // Free ports are picked by startNatsServer itself, which retries when another process takes one
    // between picking and binding (seen: the demo's own Temporal dev server, starting at that moment).
    const dir = join(stateDir, 'nats');
    const nats = await startNatsServer(opts.freePorts ? { dir } : { port: portOf(plan.nats.servers[0]), monitorPort: portOf(plan.nats.monitoringUrl), dir });
    stops.push(() => nats.stop());
    plan.nats.servers = [nats.url];
    plan.nats.monitoringUrl = nats.monitoringUrl;

    const { model, agents } = await startSimMembers(plan, stateDir, stops, opts);
    return { plan, model, nats, agents, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** What a start has started, stopped in reverse order; a failing stop does not keep the others from running. */
export function stopsInReverse(): { stops: (() => Promise<void>)[]; stop: () => Promise<void> } {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  return { stops, stop };
}

/**
 * The simulated SSH hosts and NATS agents of a plan, on the NATS server the plan names. Fills the
 * plan's host ports (free ones with `freePorts`), key and known_hosts paths; pushes their stops.
 */
export async function startSimMembers(
  plan: Plan,
  stateDir: string,
  stops: (() => Promise<void>)[],
  opts: { freePorts?: boolean; ratePerSecond?: number; subscribe?: SimAgentsOptions['subscribe'] },
): Promise<{ model: FleetModel; agents: SimAgents }> {
  const model = new FleetModel(plan);
  const hosts = await startSimHosts({ plan, stateDir: join(stateDir, 'sim'), model, ports: opts.freePorts ? plan.hosts.map(() => 0) : plan.hosts.map((h) => h.port) });
  stops.push(() => hosts.stop());
  for (const h of plan.hosts) h.port = hosts.hosts.find((x) => x.name === h.name)!.port;
  plan.ssh.knownHostsFile = hosts.knownHostsFile;
  plan.ssh.identityFile = hosts.clientKeyFile;

  // A simulated agent is on NATS exactly while its unit is active on a reachable host.
  const units = {
    isActive: (host: string, agent: string) => !model.host(host).down && model.unit(host, agent).activeState === 'active',
    on: (event: 'unit-changed', fn: (e: { host: string; agent: string; active: boolean }) => void) => model.on(event, fn),
  };
  const agents = await startSimAgents({ plan, servers: plan.nats.servers, units, ratePerSecond: opts.ratePerSecond, subscribe: opts.subscribe });
  stops.push(() => agents.stop());
  return { model, agents };
}
