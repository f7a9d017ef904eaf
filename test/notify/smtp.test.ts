// Real SMTP on 127.0.0.1: smtp-server receives, mailparser parses what arrived.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createMailTransport, type MailTransport } from '../../src/notify/transport';
import { smtpSettingsFromEnv } from '../../src/notify/settings';
import { sendNotification, MailSendError } from '../../src/notify/send';
import { checkpointNotification, finalNotification, incidentNotification } from '../../src/notify/notifications';
import { notificationMessageId } from '../../src/notify/templates';
import type { AlertRecord } from '../../src/artifacts/records/alerts';
import { makeRecord, makeWave, wave2Plan } from '../artifacts/fixtures';

const plan = wave2Plan();

interface Received {
  mail: ParsedMail;
  secure: boolean;
  user: string | null;
  from: string;
  to: string[];
}

interface Sink {
  port: number;
  received: Received[];
  connections: number;
  close(): Promise<void>;
}

async function startSink(opts: Partial<SMTPServerOptions> = {}): Promise<Sink> {
  const received: Received[] = [];
  const sink = { received, connections: 0 } as Sink;
  const server = new SMTPServer({
    logger: false,
    disabledCommands: opts.key ? [] : ['STARTTLS'],
    authOptional: true,
    onConnect(_s, cb) {
      sink.connections++;
      cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((mail) => {
          received.push({
            mail,
            secure: session.secure,
            user: (session.user as string | undefined) ?? null,
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          });
          cb();
        })
        .catch(cb);
    },
    ...opts,
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  sink.port = (server.server.address() as AddressInfo).port;
  sink.close = () => new Promise<void>((res) => server.close(() => res()));
  return sink;
}

function transportFor(port: number, extra: Record<string, string> = {}): MailTransport {
  const s = smtpSettingsFromEnv({ WAVEWATCH_SMTP_HOST: '127.0.0.1', WAVEWATCH_SMTP_PORT: String(port), WAVEWATCH_SMTP_STARTTLS: 'never', WAVEWATCH_SMTP_TIMEOUT: '3s', ...extra })!;
  return createMailTransport(s);
}

const alert: AlertRecord = {
  id: 'agent-crash:tdd-expert@dgx-2:1',
  rule: 'agent-crash',
  title: 'Agent crashes',
  severity: 'warning',
  scope: 'tdd-expert@dgx-2',
  state: 'firing',
  firstFiredAt: '2026-01-24T00:00:00.000Z',
  lastFiredAt: '2026-01-24T00:00:00.000Z',
  resolvedAt: null,
  acknowledgedAt: null,
  acknowledgedBy: null,
  escalated: false,
  message: 'tdd-expert@dgx-2 restarted (NRestarts 0 → 1)',
  value: 1,
  threshold: 0,
  actionTaken: 'Investigating',
};

describe('email over a real SMTP server', () => {
  let sink: Sink;
  let transport: MailTransport;
  beforeEach(async () => {
    sink = await startSink();
    transport = transportFor(sink.port);
  });
  afterEach(async () => {
    transport.close();
    await sink.close();
  });

  it('checkpoint notification: the spec\'s template, text and HTML, to the checkpoint recipients', async () => {
    const rec = makeRecord(plan, 'T+6h', { errors: 3 });
    const n = checkpointNotification(plan, rec, { name: 'T+12h', dueAt: '2026-01-24T00:10:00.000Z' });
    const res = await sendNotification(transport, plan, n);
    expect(res).toMatchObject({ sent: true, accepted: plan.notify.checkpoint, rejected: [] });
    expect(sink.received).toHaveLength(1);
    const { mail, to, from } = sink.received[0];
    expect(from).toBe(plan.notify.from);
    expect(to).toEqual(plan.notify.checkpoint);
    expect(mail.subject).toBe('Sprint 5.3 Wave 2 Checkpoint: T+6h Status — ✅ PASS');
    expect(mail.messageId).toBe(res.messageId);
    expect(mail.text).toContain('Status: ✅ PASS');
    expect(mail.text).toMatch(/Metrics:\n- Agent Uptime: 100%\n- Error Rate: 0\.000\d+%\n- Response Latency: 0\.80ms \(p50\), 2\.40ms \(p99\)\n- Dual Publishing: 99\.90% success/);
    expect(mail.text).toContain('Issues: None');
    expect(mail.text).toContain('Next Checkpoint: T+12h at 2026-01-24 00:10:00 UTC');
    expect(mail.text).toContain('Full report: monitoring/checkpoints/wave2/T+6h/summary.json');
    expect(mail.html).toContain('<table');
    expect(mail.html).toContain('Agent Uptime');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.headers.get('x-wavewatch-kind')).toBe('checkpoint');
    expect(mail.date?.toISOString()).toBe('2026-01-23T18:15:30.000Z');
  });

  it('a FAIL checkpoint lists its issues; a missing metric says why', async () => {
    const rec = makeRecord(plan, 'T+1h', { unreachableHost: 'dgx-3' });
    rec.verdict = 'FAIL';
    rec.verdictReason = 'primary criteria not met: all-agents-active';
    await sendNotification(transport, plan, checkpointNotification(plan, rec, null));
    const { mail } = sink.received[0];
    expect(mail.subject).toBe('Sprint 5.3 Wave 2 Checkpoint: T+1h Status — ❌ FAIL');
    expect(mail.text).toMatch(/Issues:\n- ❔ All 6 agents active: inconclusive/);
    expect(mail.text).toContain('- data gap: host dgx-3 unreachable over SSH');
    expect(mail.text).toContain('- Dual Publishing: no data (not sampled at this checkpoint)');
    expect(mail.text).toContain('Next Checkpoint: none (this was the last checkpoint)');
  });

  it('incident alerts: one per event, follow-ups thread under the first, a retry keeps its Message-ID', async () => {
    const fired = incidentNotification('wave2-run', alert, 'fired', alert.firstFiredAt);
    const escalated = incidentNotification('wave2-run', { ...alert, severity: 'critical', escalated: true, actionTaken: 'Rollback initiated' }, 'escalated', '2026-01-24T00:05:00.000Z');
    const reminder = incidentNotification('wave2-run', { ...alert, severity: 'critical' }, 'reminder', '2026-01-24T01:05:00.000Z', { sequence: 1 });
    const r1 = await sendNotification(transport, plan, fired);
    const retry = await sendNotification(transport, plan, fired); // the activity retried after a lost reply
    await sendNotification(transport, plan, escalated);
    await sendNotification(transport, plan, reminder);
    expect(sink.received.map((r) => r.mail.messageId)).toEqual([r1.messageId, r1.messageId, notificationMessageId(plan, escalated), notificationMessageId(plan, reminder)]);
    expect(retry.messageId).toBe(r1.messageId);
    expect(new Set(sink.received.map((r) => r.mail.messageId)).size).toBe(3);
    const [first, , esc, rem] = sink.received.map((r) => r.mail);
    expect(first.subject).toBe('🚨 Sprint 5.3 Wave 2 Alert: Agent crashes');
    expect(first.text).toMatch(/^Alert: tdd-expert@dgx-2 restarted \(NRestarts 0 → 1\)\nSeverity: WARNING\nTime: 2026-01-24 00:00:00 UTC/);
    expect(first.text).toContain('- agent-crash: 1 (threshold 0)');
    expect(first.text).toContain('Action Taken: Investigating');
    expect(first.text).toContain('Status Page: monitoring/alerts/wave2.log');
    expect(first.text).toContain('acknowledgeAlert update {"alertId": "agent-crash:tdd-expert@dgx-2:1"}');
    expect(esc.subject).toBe('🚨 Sprint 5.3 Wave 2 Alert (escalated to CRITICAL): Agent crashes');
    expect(esc.text).toContain('Action Taken: Rollback initiated');
    expect(esc.inReplyTo).toBe(r1.messageId);
    expect(rem.subject).toBe('🚨 Sprint 5.3 Wave 2 Alert (reminder 1: not acknowledged): Agent crashes');
    expect(rem.references).toContain(r1.messageId);
    expect(sink.received[0].to).toEqual(plan.notify.incident);
    // pooled: one connection carried every message
    expect(sink.connections).toBe(1);
  });

  it('final report: GO/NO-GO with the criteria list, to the final recipients', async () => {
    const recs = ['T+1h', 'T+6h', 'T+12h', 'T+24h'].map((c) => makeRecord(plan, c, c === 'T+24h' ? { lost: 2 } : {}));
    const wave = makeWave(plan, recs, 'NO-GO', { rollback: { executed: true, trigger: 'rollback-message-loss', reason: 'message loss', startedAt: null, finishedAt: null, steps: [] } });
    await sendNotification(transport, plan, finalNotification(wave));
    const { mail, to } = sink.received[0];
    expect(to).toEqual(plan.notify.final);
    expect(mail.subject).toBe('Sprint 5.3 Wave 2 Monitoring Complete: NO-GO for Wave 3');
    expect(mail.text).toMatch(/Summary:\n- Duration: 24h6m40s\n- Agents: network-expert \(3\), tdd-expert \(3\)\n- Status: Issues identified/);
    expect(mail.text).toContain('✅ Agent uptime > 99.9% — measured 100');
    expect(mail.text).toContain('❌ Message delivery = 100% — measured 99');
    expect(mail.text).toContain('Recommendation: NO-GO for Wave 3');
    expect(mail.text).toContain('Full Report: doc/deployment/SPRINT_5_3_WAVE_2_REPORT.md');
    expect(mail.text).toContain('- rollback executed (rollback-message-loss): message loss');
    expect(mail.html).toContain('Success Criteria');

    const go = makeWave(plan, recs.slice(0, 3), 'GO', { finishedAt: '2026-01-24T12:10:00.000Z' });
    await sendNotification(transport, plan, finalNotification(go));
    expect(sink.received[1].mail.subject).toBe('Sprint 5.3 Wave 2 Monitoring Complete: GO for Wave 3');
    expect(sink.received[1].mail.text).toMatch(/- Duration: 24 hours\n.*\n- Status: All success criteria met/);
    const aborted = makeWave(plan, recs.slice(0, 2), 'ABORTED', { operatorActions: [{ at: '2026-01-23T20:00:00.000Z', kind: 'abort', by: 'bob', reason: 'hosts needed' }] });
    await sendNotification(transport, plan, finalNotification(aborted));
    expect(sink.received[2].mail.subject).toBe('Sprint 5.3 Wave 2 Monitoring Aborted: no GO/NO-GO for Wave 3');
    expect(sink.received[2].mail.text).toContain('- Status: Aborted by bob: hosts needed');
  });

  it('sends nothing, and does not fail, when the plan names no recipients', async () => {
    const quiet = { ...plan, notify: { ...plan.notify, checkpoint: [] } };
    const res = await sendNotification(transport, quiet, checkpointNotification(quiet, makeRecord(plan, 'T+1h'), null));
    expect(res.sent).toBe(false);
    expect(sink.received).toHaveLength(0);
  });
});

describe('failures throw, so the activity retries (or stops, when a retry cannot help)', () => {
  const n = () => incidentNotification('wave2-run', alert, 'fired', alert.firstFiredAt);

  it('a mail server that is down: retryable, and quick', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const t = transportFor(port);
    const started = Date.now();
    const err = await sendNotification(t, plan, n()).catch((e) => e);
    t.close();
    expect(err).toBeInstanceOf(MailSendError);
    expect(err).toMatchObject({ retryable: true, messageId: notificationMessageId(plan, n()) });
    expect(err.message).toMatch(/ECONNREFUSED|connect/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a server that accepts the connection and never greets: the timeout ends the attempt', async () => {
    const silent: NetServer = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const t = transportFor((silent.address() as AddressInfo).port, { WAVEWATCH_SMTP_TIMEOUT: '1s' });
    const started = Date.now();
    const err = await sendNotification(t, plan, n()).catch((e) => e);
    t.close();
    await new Promise<void>((r) => silent.close(() => r()));
    expect(err).toBeInstanceOf(MailSendError);
    expect(err.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a temporary refusal (451) is retryable; a permanent one (554) is not', async () => {
    let code = 451;
    const sink = await startSink({
      onData(stream, _s, cb) {
        stream.on('data', () => undefined).on('end', () => cb(Object.assign(new Error(code === 451 ? 'try later' : 'rejected'), { responseCode: code })));
      },
    });
    const t = transportFor(sink.port);
    const e1 = await sendNotification(t, plan, n()).catch((e) => e);
    expect(e1).toMatchObject({ retryable: true, responseCode: 451 });
    code = 554;
    const e2 = await sendNotification(t, plan, n()).catch((e) => e);
    expect(e2).toMatchObject({ retryable: false, responseCode: 554 });
    t.close();
    await sink.close();
  });

  it('some recipients rejected: sent to the rest; all rejected: a permanent failure', async () => {
    let refuse = (a: string) => a.startsWith('on-call');
    const sink = await startSink({
      onRcptTo(addr, _s, cb) {
        if (refuse(addr.address)) cb(Object.assign(new Error('no such user'), { responseCode: 550 }));
        else cb();
      },
    });
    const t = transportFor(sink.port);
    const res = await sendNotification(t, plan, n());
    expect(res.accepted).toEqual(['team-lead@cim.local']);
    expect(res.rejected).toEqual(['on-call@cim.local']);
    refuse = () => true;
    const err = await sendNotification(t, plan, n()).catch((e) => e);
    expect(err).toBeInstanceOf(MailSendError);
    expect(err.retryable).toBe(false);
    t.close();
    await sink.close();
  });
});

describe('STARTTLS with a certificate made for the test', () => {
  let dir: string;
  let key: string;
  let cert: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ww-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'pipe' });
    key = readFileSync(join(dir, 'key.pem'), 'utf8');
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    writeFileSync(join(dir, 'password'), 'hunter2\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('upgrades the connection, verifies the certificate against the given CA, then logs in', async () => {
    const sink = await startSink({
      key,
      cert,
      authOptional: false,
      onAuth(auth, _s, cb) {
        if (auth.username === 'wavewatch' && auth.password === 'hunter2') cb(null, { user: auth.username });
        else cb(new Error('bad login'));
      },
    });
    const settings = smtpSettingsFromEnv({
      WAVEWATCH_SMTP_HOST: '127.0.0.1',
      WAVEWATCH_SMTP_PORT: String(sink.port),
      WAVEWATCH_SMTP_USER: 'wavewatch',
      WAVEWATCH_SMTP_PASSWORD_FILE: join(dir, 'password'),
      WAVEWATCH_SMTP_CA_FILE: join(dir, 'cert.pem'),
    })!;
    expect(settings.starttls).toBe('required');
    const t = createMailTransport(settings);
    await sendNotification(t, plan, checkpointNotification(plan, makeRecord(plan, 'T+1h'), null));
    t.close();
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]).toMatchObject({ secure: true, user: 'wavewatch' });
    await sink.close();
  });

  it('refuses a certificate it was not told to trust', async () => {
    const sink = await startSink({ key, cert });
    const t = transportFor(sink.port, { WAVEWATCH_SMTP_STARTTLS: 'required' });
    const err = await sendNotification(t, plan, checkpointNotification(plan, makeRecord(plan, 'T+1h'), null)).catch((e) => e);
    t.close();
    expect(err).toBeInstanceOf(MailSendError);
    expect(err.message).toMatch(/self[- ]signed|certificate/i);
    expect(sink.received).toHaveLength(0);
    await sink.close();
  });

  it('a wrong password is a permanent failure', async () => {
    const sink = await startSink({ key, cert, authOptional: false, onAuth: (_a, _s, cb) => cb(new Error('bad login')) });
    const t = createMailTransport(
      smtpSettingsFromEnv({
        WAVEWATCH_SMTP_HOST: '127.0.0.1',
        WAVEWATCH_SMTP_PORT: String(sink.port),
        WAVEWATCH_SMTP_USER: 'wavewatch',
        WAVEWATCH_SMTP_PASSWORD: 'wrong',
        WAVEWATCH_SMTP_CA_FILE: join(dir, 'cert.pem'),
      })!,
    );
    const err = await sendNotification(t, plan, checkpointNotification(plan, makeRecord(plan, 'T+1h'), null)).catch((e) => e);
    t.close();
    expect(err).toMatchObject({ retryable: false, code: 'EAUTH' });
    await sink.close();
  });
});
