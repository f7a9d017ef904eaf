// The wave's surroundings fail while it runs: the mail server is down for its first hours, and a
// host drops off the network for a while (SSH and its agents). The wave goes on: the host's alerts
// fire and resolve, the gap is recorded as missing data, and every email arrives, once, after the
// mail server is back. (The probes' requests are answered by the agent's instances on the other hosts,
// so nothing is lost and no rollback criterion fires: the host's absence is an alert, not a verdict.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { startMailSink, type MailSink } from '../../src/notify/sink';
import { parseScenario } from '../../src/sim/scenario';
import { runScenario } from '../../src/sim/scenario-runner';
import type { WaveStatus } from '../../src/model/status';
import { client, localPlan, runWave, startFleet, startTemporal, startWorker, tempDir, waitForStatus } from '../helpers/wave-env';

jest.setTimeout(300_000);

const SCALE = 1440; // a plan hour is 2.5 s

test('mail server down, a host unreachable: the wave goes on, the alerts fire and resolve, every email arrives once', async () => {
  const root = tempDir('surroundings');
  const temporal = await startTemporal();
  const fleet = await startFleet(localPlan(root), root);
  let sink: MailSink = await startMailSink({ dir: join(root, 'mail') });
  const smtpPort = sink.port;
  const worker = await startWorker(temporal.address, root, 'surroundings', sink.env());
  // Down before the first email: T+1h's email waits for the server.
  await sink.close();
  const scenario = parseScenario({ name: 'dgx-3-away', faults: [{ at: '14h', for: '3h', target: { host: 'dgx-3' }, fault: 'host-down' }] }, fleet.plan);
  const startAtMs = Date.now();
  const faults = runScenario(scenario, fleet, { startAtMs, timeScale: SCALE });
  let c: Client | null = null;
  try {
    c = await client(temporal.address);
    const handle = await runWave(c, fleet.plan, { waveId: 'surroundings-1', timeScale: SCALE, taskQueue: 'surroundings', startAtMs });
    // The mail server comes back after T+6h has run: two checkpoint emails are waiting for it.
    const waiting = await waitForStatus(c, 'surroundings-1', (s) => s.checkpoints[1].ranAt !== null);
    expect(waiting.checkpoints[0].ranAt).not.toBeNull();
    sink = await startMailSink({ dir: join(root, 'mail'), port: smtpPort });
    const s = (await handle.result()) as WaveStatus;

    const why = JSON.stringify({ alerts: s.alerts.map((a) => `${a.id}:${a.state}`), problems: s.problems, checkpoints: s.checkpoints.map((x) => [x.name, x.verdict, x.note]) });
    expect([s.phase, why]).toEqual(['completed', why]);
    expect(s.checkpoints.every((x) => x.ranAt !== null && !x.note)).toBe(true);
    // dgx-3 away: its alert fired and resolved when it came back.
    const away = s.alerts.find((a) => a.rule === 'host-unreachable');
    expect([away?.state, why]).toEqual(['resolved', why]);
    expect(away?.message).toMatch(/dgx-3/);
    expect(s.rollback.executed).toBe(false);
    // The gap is data missing, never zeros: the alert log and the observations say which host and why.
    const alertLog = readFileSync(fleet.plan.output.alertLog, 'utf8');
    expect(alertLog).toMatch(/host-unreachable/);
    // Every email, once (the waiting ones in any order); none given up.
    const index = readFileSync(join(root, 'mail', 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; messageId: string; subject: string });
    const byKind = (k: string) => index.filter((m) => m.kind === k);
    expect(new Set(index.map((m) => m.messageId)).size).toBe(index.length);
    expect(byKind('checkpoint').map((m) => m.subject.match(/T\+\d+h/)?.[0]).sort()).toEqual(['T+12h', 'T+1h', 'T+24h', 'T+6h']);
    expect(byKind('final')).toHaveLength(1);
    // The page went out once when the host went away (critical: paged; resolving is not paged); while
    // it stayed away unacknowledged, reminders follow every alertRepeat (1 plan hour: at most 3 here).
    const pages = byKind('incident').filter((m) => /Host unreachable/i.test(m.subject));
    expect(pages.filter((m) => /Alert: Host unreachable/.test(m.subject))).toHaveLength(1);
    expect(pages.filter((m) => !/Alert: Host unreachable|Alert \(reminder \d+: not acknowledged\): Host unreachable/.test(m.subject))).toEqual([]);
    expect(pages.length).toBeLessThanOrEqual(4);
    expect(s.problems.filter((p) => /not sent/.test(p))).toEqual([]);
  } finally {
    await c?.connection.close();
    await faults.stop();
    await worker.stop();
    await sink.close();
    await fleet.stop();
    await temporal.stop();
  }
});
