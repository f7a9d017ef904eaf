// The fleet `wavewatch sim` runs on the plan's fixed ports. Normally a LocalFleet with its own NATS
// server; when a NATS server already answers at the plan's address (the dev stack of `wavewatch dev
// up` runs one on the ports of plans/local.yaml), the simulated hosts and agents join that one
// instead of failing on a taken port. Faults then apply to everything but that server: a scenario
// with `nats-down` needs the server sim starts itself.
import { request } from 'node:http';
import { resolve } from 'node:path';
import type { Plan } from '../plan/schema';
import { assertLoopback, startLocalFleet, startSimMembers, stopsInReverse, type LocalFleet } from '../stack/local-stack';
import type { NatsServerHandle } from '../stack/nats-server';
import type { Scenario } from './scenario';

export interface SimFleet extends LocalFleet {
  /** Whether the NATS server is this process's (false: one that was already running). */
  ownsNats: boolean;
}

/** Whether the NATS server's monitoring endpoint answers /healthz. */
export function natsAnswers(monitoringUrl: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((done) => {
    const req = request(`${monitoringUrl.replace(/\/+$/, '')}/healthz`, { timeout: timeoutMs }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => done(false));
    req.end();
  });
}

/** The scenario's faults that need a NATS server of our own; an error message, or null. */
export function needsOwnNats(scenario: Scenario | null): string | null {
  const f = scenario?.faults.find((x) => x.fault === 'nats-down');
  return f ? `faults[${f.index}]: nats-down stops the NATS server, and the one at the plan's address is not sim's (stop it, e.g. \`wavewatch dev down\`, so that sim starts its own)` : null;
}

export async function startSimFleet(opts: { plan: Plan; stateDir: string; existingNats: boolean }): Promise<SimFleet> {
  if (!opts.existingNats) return { ...(await startLocalFleet({ plan: opts.plan, stateDir: opts.stateDir })), ownsNats: true };
  assertLoopback(opts.plan);
  const stateDir = resolve(opts.stateDir);
  const plan: Plan = structuredClone(opts.plan);
  const { stops, stop } = stopsInReverse();
  try {
    const { model, agents } = await startSimMembers(plan, stateDir, stops, {});
    const port = Number(new URL(plan.nats.servers[0].replace(/^nats:/, 'http:')).port);
    const notOurs = async () => {
      throw new Error('the NATS server is not sim\'s');
    };
    const nats: NatsServerHandle = {
      url: plan.nats.servers[0],
      monitoringUrl: plan.nats.monitoringUrl,
      port,
      monitorPort: Number(new URL(plan.nats.monitoringUrl).port),
      pid: -1,
      logFile: '',
      running: true,
      stop: async () => undefined,
      kill: notOurs,
      restart: notOurs,
    };
    return { plan, model, nats, agents, stop, ownsNats: false };
  } catch (err) {
    await stop();
    throw err;
  }
}
