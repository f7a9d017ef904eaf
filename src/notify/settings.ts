// SMTP settings come from the worker's environment only — never from the plan or the workflow's
// history (which everyone with access to Temporal can read).
//
//   WAVEWATCH_SMTP_HOST           mail server; unset = email disabled (the alert log still has everything)
//   WAVEWATCH_SMTP_PORT           default 465 with SECURE, 587 with a user, else 25
//   WAVEWATCH_SMTP_SECURE         true = TLS from the first byte (SMTPS, usually port 465)
//   WAVEWATCH_SMTP_STARTTLS       required | opportunistic | never (also true/false); default: required
//                                 when a user is set (no password in clear), else opportunistic
//   WAVEWATCH_SMTP_USER           login user
//   WAVEWATCH_SMTP_PASSWORD       its password, or
//   WAVEWATCH_SMTP_PASSWORD_FILE  a file holding it (a container secret); one of the two with a user
//   WAVEWATCH_SMTP_CA_FILE        PEM file of the CA(s) to trust for the server's certificate
//   WAVEWATCH_SMTP_TLS_SERVERNAME name to verify the certificate against (default: the host)
//   WAVEWATCH_SMTP_TIMEOUT        connect and greeting timeout, e.g. "10s" (default 10s; the socket gets 3×)
//   WAVEWATCH_SMTP_NAME           the client's name in EHLO (default: the machine's host name)
import { readFileSync } from 'node:fs';
import { parseDuration } from '../plan/duration';
import { parsePort } from '../plan/port';

export type StartTls = 'required' | 'opportunistic' | 'never';

export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS (SMTPS). */
  secure: boolean;
  starttls: StartTls;
  user: string | null;
  /** Not enumerable: it does not show in logs, JSON or util.inspect. */
  readonly password: string | null;
  /** PEM text of extra trusted CAs; null = the system's. */
  ca: string | null;
  servername: string | null;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  socketTimeoutMs: number;
  clientName: string | null;
}

export class SmtpConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid SMTP settings in the environment:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'SmtpConfigError';
  }
}

const P = 'WAVEWATCH_SMTP_';

function bool(name: string, raw: string | undefined, problems: string[]): boolean | null {
  if (raw === undefined || raw.trim() === '') return null;
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  problems.push(`${P}${name}: expected true or false, got "${raw}"`);
  return null;
}

/** Reads the settings; null when WAVEWATCH_SMTP_HOST is unset (email disabled). Throws SmtpConfigError listing every problem. */
export function smtpSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): SmtpSettings | null {
  const get = (k: string) => {
    const v = env[P + k];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const host = get('HOST');
  if (!host) return null;
  const problems: string[] = [];
  if (!/^[A-Za-z0-9.:_\-[\]]+$/.test(host)) problems.push(`${P}HOST: expected a host name or an IP address, got "${host}"`);

  const secure = bool('SECURE', get('SECURE'), problems) ?? false;
  const user = get('USER') ?? null;

  let starttls: StartTls = user ? 'required' : 'opportunistic';
  const st = get('STARTTLS');
  if (st !== undefined) {
    const v = st.toLowerCase();
    if (['required', 'require', 'true', '1', 'yes', 'on'].includes(v)) starttls = 'required';
    else if (['opportunistic', 'auto'].includes(v)) starttls = 'opportunistic';
    else if (['never', 'false', '0', 'no', 'off', 'disabled'].includes(v)) starttls = 'never';
    else problems.push(`${P}STARTTLS: expected required, opportunistic or never, got "${st}"`);
  }
  if (secure && st !== undefined && starttls === 'required') problems.push(`${P}SECURE and ${P}STARTTLS=required exclude each other (SECURE is TLS from the start)`);

  let port = secure ? 465 : user ? 587 : 25;
  const portRaw = get('PORT');
  if (portRaw !== undefined) {
    const n = parsePort(portRaw);
    if (n === null) problems.push(`${P}PORT: expected a port 1–65535, got "${portRaw}"`);
    else port = n;
  }

  const pw = get('PASSWORD');
  const pwFile = get('PASSWORD_FILE');
  let password: string | null = null;
  if (pw !== undefined && pwFile !== undefined) problems.push(`${P}PASSWORD and ${P}PASSWORD_FILE are both set: set one`);
  else if (pw !== undefined) password = env[`${P}PASSWORD`] as string;
  else if (pwFile !== undefined) {
    try {
      password = readFileSync(pwFile, 'utf8').replace(/\r?\n$/, '');
      if (password === '') problems.push(`${P}PASSWORD_FILE: ${pwFile} is empty`);
    } catch (err) {
      problems.push(`${P}PASSWORD_FILE: cannot read ${pwFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  if (user && password === null && !problems.some((p) => p.startsWith(`${P}PASSWORD`))) problems.push(`${P}USER is set but neither ${P}PASSWORD nor ${P}PASSWORD_FILE`);
  if (!user && password !== null) problems.push(`${P}PASSWORD is set but ${P}USER is not`);
  if (user && !secure && starttls === 'never') problems.push(`${P}STARTTLS=never with a user would send the password in clear: use STARTTLS or SECURE`);

  let ca: string | null = null;
  const caFile = get('CA_FILE');
  if (caFile !== undefined) {
    try {
      ca = readFileSync(caFile, 'utf8');
      if (!ca.includes('-----BEGIN CERTIFICATE-----')) problems.push(`${P}CA_FILE: ${caFile} holds no PEM certificate`);
    } catch (err) {
      problems.push(`${P}CA_FILE: cannot read ${caFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }

  let timeout = 10_000;
  const t = get('TIMEOUT');
  if (t !== undefined) {
    const ms = parseDuration(t);
    if (ms === null || ms <= 0) problems.push(`${P}TIMEOUT: expected a duration like "10s", got "${t}"`);
    else timeout = ms;
  }

  if (problems.length) throw new SmtpConfigError(problems);
  const settings = {
    host,
    port,
    secure,
    starttls: secure ? 'never' : starttls,
    user,
    ca,
    servername: get('TLS_SERVERNAME') ?? null,
    connectionTimeoutMs: timeout,
    greetingTimeoutMs: timeout,
    socketTimeoutMs: timeout * 3,
    clientName: get('NAME') ?? null,
  } as Omit<SmtpSettings, 'password'>;
  Object.defineProperty(settings, 'password', { value: password, enumerable: false, writable: false });
  return settings as SmtpSettings;
}

/** One line for logs, without the password. */
export function describeSmtpSettings(s: SmtpSettings | null): string {
  if (!s) return 'email disabled (WAVEWATCH_SMTP_HOST not set)';
  const tls = s.secure ? 'TLS' : s.starttls === 'required' ? 'STARTTLS required' : s.starttls === 'never' ? 'no TLS' : 'STARTTLS if offered';
  return `smtp://${s.host}:${s.port} (${tls}${s.user ? `, user ${s.user}` : ', no login'}${s.ca ? ', custom CA' : ''}, timeout ${s.connectionTimeoutMs} ms)`;
}
