// Email, as the spec's communication plan: what the notify activity calls.
export { smtpSettingsFromEnv, describeSmtpSettings, SmtpConfigError, type SmtpSettings, type StartTls } from './settings';
export { createMailTransport, type MailTransport } from './transport';
export {
  checkpointNotification,
  incidentNotification,
  finalNotification,
  type Notification,
  type CheckpointNotification,
  type IncidentNotification,
  type FinalNotification,
  type IncidentEvent,
} from './notifications';
export { renderEmail, notificationMessageId, recipientsFor, type RenderedEmail } from './templates';
export { sendNotification, MailSendError, type SendResult } from './send';
export { startMailSink, type MailSink, type SinkMessage } from './sink';
export { incidentEmailDue, type SentIncidentEmail, type IncidentState } from './policy';
