// Sending one notification. It throws when the mail did not go out, so the activity retries it
// (with the same Message-ID: a receiver or a person can tell a repeat); a permanent refusal (5xx,
// bad login) is marked `retryable: false` so the activity can stop retrying. The wave never waits on
// mail: the workflow runs the send activity without blocking its own progress, and the alert log has
// every event regardless.
import type { Plan } from '../plan/schema';
import type { Notification } from './notifications';
import { recipientsFor, renderEmail } from './templates';
import type { MailTransport } from './transport';

export interface SendResult {
  /** false when the plan names no recipients for this kind (nothing sent, not an error). */
  sent: boolean;
  messageId: string;
  subject: string;
  accepted: string[];
  rejected: string[];
  /** The server's last reply, e.g. "250 OK: queued". */
  response: string | null;
}

export class MailSendError extends Error {
  constructor(
    message: string,
    /** false for a refusal a retry cannot fix (5xx reply, authentication failure, every recipient rejected). */
    readonly retryable: boolean,
    readonly messageId: string,
    readonly code: string | null,
    readonly responseCode: number | null,
  ) {
    super(message);
    this.name = 'MailSendError';
  }
}

function addresses(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((a) => (typeof a === 'string' ? a : a && typeof a === 'object' && 'address' in a ? String((a as { address: unknown }).address) : String(a)));
}

export async function sendNotification(transport: MailTransport, plan: Plan, notification: Notification): Promise<SendResult> {
  const mail = renderEmail(plan, notification);
  const to = recipientsFor(plan, notification);
  if (to.length === 0) return { sent: false, messageId: mail.messageId, subject: mail.subject, accepted: [], rejected: [], response: null };
  let info;
  try {
    info = await transport.sendMail({
      from: plan.notify.from,
      to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
      date: new Date(notification.at),
      ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
      references: mail.references,
      headers: {
        'Auto-Submitted': 'auto-generated',
        'X-Wavewatch-Wave': plan.wave.name,
        'X-Wavewatch-Workflow': notification.waveId,
        'X-Wavewatch-Kind': notification.kind,
      },
    });
  } catch (err) {
    const e = err as Error & { code?: string; responseCode?: number; response?: string };
    const responseCode = typeof e.responseCode === 'number' ? e.responseCode : null;
    const permanent = e.code === 'EAUTH' || (responseCode !== null && responseCode >= 500 && responseCode < 600) || e.code === 'EENVELOPE';
    throw new MailSendError(
      `sending ${notification.kind} email ${mail.messageId} failed: ${e.message}${responseCode ? ` (SMTP ${responseCode})` : ''}`,
      !permanent,
      mail.messageId,
      e.code ?? null,
      responseCode,
    );
  }
  const accepted = addresses(info.accepted);
  const rejected = addresses(info.rejected);
  if (accepted.length === 0)
    throw new MailSendError(`sending ${notification.kind} email ${mail.messageId}: every recipient was rejected (${rejected.join(', ')})`, false, mail.messageId, 'EENVELOPE', null);
  return { sent: true, messageId: mail.messageId, subject: mail.subject, accepted, rejected, response: info.response ?? null };
}
