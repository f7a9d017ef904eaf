// The watch's SSH link against the simulated hosts: healthy hosts give no event; a host that drops
// its connections and refuses new ones is 'host-dropped' from the drop until the link is ready again;
// a host down when the watch starts is dropped from the first attempt.
import { join } from 'node:path';
import { startSimHosts, type SimHosts } from '../../src/sim/ssh-hosts';
import { runSshLink } from '../../src/collect/watch/ssh-link';
import type { Plan } from '../../src/plan/schema';
import { testPlan, tempDir, pointAt } from '../collect-hosts/helpers';
import { sleep, waitFor } from '../collect-nats/helpers';
import { testWatch, type TestWatch } from './helpers';

const tmp = tempDir();
let sim: SimHosts;
let plan: Plan;
let w: TestWatch | undefined;
let running: Promise<void> | undefined;
beforeAll(async () => {
  plan = testPlan(2);
  sim = await startSimHosts({ plan, stateDir: join(tmp.dir, 'sim') });
  pointAt(plan, sim);
});
afterEach(async () => {
  w?.stop();
  await running;
  w = running = undefined;
  for (const h of plan.hosts) sim.model.setHostDown(h.name, false);
});
afterAll(async () => {
  await sim?.stop();
  tmp.cleanup();
});

function watch(): TestWatch {
  const t = testWatch(plan);
  running = runSshLink(t.ctx, { env: {} });
  return t;
}

test('healthy hosts: one connection each, no event; a dropped host is host-dropped until it is back', async () => {
  const before = sim.stats.get('dgx-2')!.connections;
  w = watch();
  await waitFor(() => sim.stats.get('dgx-2')!.connections > before, 'the link to connect');
  await sleep(1000);
  expect(w.events()).toEqual([]);
  expect(sim.stats.get('dgx-2')!.connections).toBe(before + 1); // one connection kept, no redial
  expect(sim.stats.get('dgx-2')!.commands).toEqual([]); // the link runs nothing on the host
  const downAt = Date.now();
  sim.model.setHostDown('dgx-2', true);
  await waitFor(() => w!.ctx.recorder.isOpen('host-dropped', 'dgx-2'), 'the drop to be seen', 2000);
  await sleep(800);
  sim.model.setHostDown('dgx-2', false);
  const upAt = Date.now();
  await waitFor(() => !w!.ctx.recorder.isOpen('host-dropped', 'dgx-2'), 'the host to be back', 3000);
  const ev = w.events();
  expect(ev).toHaveLength(1);
  expect(ev[0]).toMatchObject({ kind: 'host-dropped', subject: 'dgx-2', role: null, flaps: 0 });
  expect(ev[0].startMs - downAt).toBeGreaterThanOrEqual(0);
  expect(ev[0].startMs - downAt).toBeLessThan(200);
  // redialled every probe interval (200 ms): ready within about one after the host is back
  expect(ev[0].endMs! - upAt).toBeGreaterThanOrEqual(0);
  expect(ev[0].endMs! - upAt).toBeLessThan(600);
  expect(ev[0].evidence).toMatch(/SSH connection closed.*SSH connection ready again/);
  expect(w.began.map((e) => e.subject)).toEqual(['dgx-2']);
});

test('a host down when the watch starts is dropped from the first attempt until it answers', async () => {
  sim.model.setHostDown('dgx-1', true);
  const startedAt = Date.now();
  w = watch();
  await waitFor(() => w!.ctx.recorder.isOpen('host-dropped', 'dgx-1'), 'the host to be dropped', 2000);
  await sleep(500);
  sim.model.setHostDown('dgx-1', false);
  await waitFor(() => !w!.ctx.recorder.isOpen('host-dropped', 'dgx-1'), 'the host to answer', 3000);
  const ev = w.events();
  expect(ev).toHaveLength(1);
  expect(ev[0].subject).toBe('dgx-1');
  expect(ev[0].startMs - startedAt).toBeLessThan(100);
  expect(ev[0].evidence).toMatch(/cannot connect/);
});
