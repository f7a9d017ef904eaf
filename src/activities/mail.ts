// The one way activities send mail: a refusal the server will repeat fails the activity for good,
// anything else is retried by Temporal.
import { ApplicationFailure } from '@temporalio/activity';
import { MailSendError, sendNotification } from '../notify/send';
import type { MailTransport } from '../notify/transport';
import type { Plan } from '../plan/schema';

/** What a notify activity returns when no SMTP server is configured. */
export const MAIL_NOT_CONFIGURED = 'email not configured (WAVEWATCH_SMTP_HOST unset)';

export async function send(mail: MailTransport, plan: Plan, n: Parameters<typeof sendNotification>[2]): Promise<string> {
  try {
    const r = await sendNotification(mail, plan, n);
    return r.sent ? `sent ${r.subject} to ${r.accepted.length} recipient(s)` : `not sent: no recipients for ${r.subject}`;
  } catch (err) {
    if (err instanceof MailSendError && !err.retryable) throw ApplicationFailure.nonRetryable(err.message, 'MailRefused');
    throw err;
  }
}
