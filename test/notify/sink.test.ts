import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMailSink } from '../../src/notify/sink';
import { createMailTransport } from '../../src/notify/transport';
import { smtpSettingsFromEnv } from '../../src/notify/settings';
import { sendNotification } from '../../src/notify/send';
import { checkpointNotification, finalNotification, incidentNotification } from '../../src/notify/notifications';
import { makeRecord, makeWave, wave2Plan } from '../artifacts/fixtures';

it('the local sink keeps every message as .eml and counts notifications once per Message-ID', async () => {
  const plan = wave2Plan();
  const dir = mkdtempSync(join(tmpdir(), 'ww-sink-'));
  const sink = await startMailSink({ dir });
  const t = createMailTransport(smtpSettingsFromEnv(sink.env())!);
  try {
    const recs = ['T+1h', 'T+6h', 'T+12h', 'T+24h'].map((c) => makeRecord(plan, c, c === 'T+12h' ? { restarts: 1 } : {}));
    for (const r of recs) await sendNotification(t, plan, checkpointNotification(plan, r, null));
    const inc = incidentNotification('wave2-20260123', recs[2].alerts[0], 'fired', recs[2].alerts[0].firstFiredAt);
    await sendNotification(t, plan, inc);
    await sendNotification(t, plan, inc); // a retry
    await sendNotification(t, plan, finalNotification(makeWave(plan, recs, 'GO')));
    expect(sink.counts()).toEqual({ checkpoint: 4, incident: 1, final: 1 });
    expect(sink.messages.filter((m) => m.duplicate)).toHaveLength(1);
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(7);
    expect(files[0]).toMatch(/^0001-checkpoint-Sprint-5.3-Wave-2-Checkpoint-T\+1h-Status/);
    expect(readFileSync(join(dir, files[0]), 'utf8')).toMatch(/^Content-Type|^From|^Message-ID/m);
    expect(readFileSync(join(dir, 'index.jsonl'), 'utf8').trim().split('\n')).toHaveLength(7);
  } finally {
    t.close();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
