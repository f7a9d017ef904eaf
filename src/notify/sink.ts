// A local SMTP sink for the demo and tests: listens on 127.0.0.1 only, keeps every message it gets as
// an .eml file and a line in index.jsonl, and counts notifications by kind (a retried send has the
// same Message-ID and counts once). Uses smtp-server and mailparser (development dependencies),
// loaded only when a sink is started.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

export interface SinkMessage {
  file: string;
  messageId: string | null;
  /** X-Wavewatch-Kind: checkpoint, incident or final (null for other mail). */
  kind: string | null;
  subject: string;
  from: string;
  to: string[];
  receivedAt: string;
  /** true when a message with the same Message-ID arrived before (a retried send). */
  duplicate: boolean;
}

export interface MailSink {
  host: string;
  port: number;
  /** Absolute folder holding the .eml files and index.jsonl. */
  dir: string;
  messages: SinkMessage[];
  /** Unique messages per kind (duplicates by Message-ID not counted). */
  counts(): Record<string, number>;
  /** The environment a worker needs to send here. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

export async function startMailSink(opts: { dir: string; port?: number; host?: '127.0.0.1' | '::1' | 'localhost' }): Promise<MailSink> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { SMTPServer } = require('smtp-server') as typeof import('smtp-server');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { simpleParser } = require('mailparser') as typeof import('mailparser');
  const host = opts.host ?? '127.0.0.1';
  const dir = resolve(opts.dir);
  await mkdir(dir, { recursive: true });
  const messages: SinkMessage[] = [];
  const seen = new Set<string>();
  let n = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: 10 * 1024 * 1024,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', cb);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then(async (mail) => {
            const i = ++n;
            const kindHeader = mail.headers.get('x-wavewatch-kind');
            const kind = typeof kindHeader === 'string' ? kindHeader : null;
            const slug = (mail.subject ?? 'message').replace(/[^A-Za-z0-9+.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
            const file = join(dir, `${String(i).padStart(4, '0')}-${kind ?? 'mail'}-${slug}.eml`);
            const messageId = mail.messageId ?? null;
            const duplicate = messageId !== null && seen.has(messageId);
            if (messageId) seen.add(messageId);
            const m: SinkMessage = {
              file,
              messageId,
              kind,
              subject: mail.subject ?? '',
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              receivedAt: new Date().toISOString(),
              duplicate,
            };
            await writeFile(file, raw);
            await appendFile(join(dir, 'index.jsonl'), `${JSON.stringify(m)}\n`);
            messages.push(m);
            cb();
          })
          .catch((err: Error) => cb(err));
      });
    },
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(opts.port ?? 0, host, () => res());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    host,
    port,
    dir,
    messages,
    counts() {
      const out: Record<string, number> = {};
      for (const m of messages) if (!m.duplicate) out[m.kind ?? 'other'] = (out[m.kind ?? 'other'] ?? 0) + 1;
      return out;
    },
    env() {
      return { WAVEWATCH_SMTP_HOST: host === 'localhost' ? '127.0.0.1' : host, WAVEWATCH_SMTP_PORT: String(port), WAVEWATCH_SMTP_STARTTLS: 'never' };
    },
    close: () => new Promise<void>((res) => server.close(() => res())),
  };
}
