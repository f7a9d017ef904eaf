// Shared by the NATS tests: the local plan pointed at a test's own nats-server.
import { join } from 'node:path';
import { loadPlan } from '../../src/plan/load';
import type { Plan } from '../../src/plan/schema';

export function testPlan(url: string, monitoringUrl: string, tweak?: (p: Plan) => void): Plan {
  const plan = loadPlan(join(__dirname, '../../plans/local.yaml'));
  plan.nats.servers = [url];
  plan.nats.monitoringUrl = monitoringUrl;
  tweak?.(plan);
  return plan;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until fn() is truthy or the time is up (then throws with the label). */
export async function waitFor<T>(fn: () => T | Promise<T>, label: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await sleep(25);
  }
}

export async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  return res.json();
}
