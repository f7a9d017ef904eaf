// One pooled SMTP transport per worker: connections are reused across notifications, timeouts are
// short (a mail server that hangs must not hold an activity for minutes), and there is no retry here:
// the activity's retry policy retries, with the same Message-ID.
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import type { SmtpSettings } from './settings';

export type MailTransport = Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options>;

export function createMailTransport(s: SmtpSettings): MailTransport {
  const options: SMTPPool.Options = {
    pool: true,
    maxConnections: 2,
    maxMessages: 100,
    host: s.host,
    port: s.port,
    secure: s.secure,
    requireTLS: !s.secure && s.starttls === 'required',
    ignoreTLS: !s.secure && s.starttls === 'never',
    connectionTimeout: s.connectionTimeoutMs,
    greetingTimeout: s.greetingTimeoutMs,
    socketTimeout: s.socketTimeoutMs,
    dnsTimeout: s.connectionTimeoutMs,
    tls: {
      minVersion: 'TLSv1.2',
      rejectUnauthorized: true,
      ...(s.ca ? { ca: s.ca } : {}),
      ...(s.servername ? { servername: s.servername } : {}),
    },
    ...(s.clientName ? { name: s.clientName } : {}),
    ...(s.user ? { auth: { user: s.user, pass: s.password ?? '' } } : {}),
  };
  return nodemailer.createTransport(options);
}
