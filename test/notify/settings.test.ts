import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describeSmtpSettings, smtpSettingsFromEnv, SmtpConfigError } from '../../src/notify/settings';

const E = (o: Record<string, string>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`WAVEWATCH_SMTP_${k}`, v]));

describe('smtpSettingsFromEnv', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ww-env-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is null (email disabled) without a host', () => {
    expect(smtpSettingsFromEnv({})).toBeNull();
    expect(smtpSettingsFromEnv(E({ HOST: '  ' }))).toBeNull();
    expect(describeSmtpSettings(null)).toMatch(/disabled/);
  });

  it('defaults: port 25 and opportunistic STARTTLS without a login; 587 and required STARTTLS with one', () => {
    expect(smtpSettingsFromEnv(E({ HOST: 'mail.local' }))).toMatchObject({ host: 'mail.local', port: 25, secure: false, starttls: 'opportunistic', user: null, password: null });
    const s = smtpSettingsFromEnv(E({ HOST: 'mail.local', USER: 'ww', PASSWORD: 's3cret' }))!;
    expect(s).toMatchObject({ port: 587, starttls: 'required', user: 'ww' });
    expect(s.password).toBe('s3cret');
    expect(smtpSettingsFromEnv(E({ HOST: 'mail.local', SECURE: 'true' }))).toMatchObject({ port: 465, secure: true, starttls: 'never' });
    expect(smtpSettingsFromEnv(E({ HOST: '127.0.0.1', PORT: '2525', STARTTLS: 'never', TIMEOUT: '3s' }))).toMatchObject({ port: 2525, starttls: 'never', connectionTimeoutMs: 3000, socketTimeoutMs: 9000 });
  });

  it('reads the password from a file and never shows it', () => {
    const f = join(dir, 'pw');
    writeFileSync(f, 'from-file\n');
    const s = smtpSettingsFromEnv(E({ HOST: 'mail.local', USER: 'ww', PASSWORD_FILE: f }))!;
    expect(s.password).toBe('from-file');
    expect(JSON.stringify(s)).not.toContain('from-file');
    expect(inspect(s)).not.toContain('from-file');
    expect(describeSmtpSettings(s)).not.toContain('from-file');
    expect(describeSmtpSettings(s)).toBe('smtp://mail.local:587 (STARTTLS required, user ww, timeout 10000 ms)');
  });

  it('lists every problem at once', () => {
    let err: SmtpConfigError | undefined;
    try {
      smtpSettingsFromEnv(E({ HOST: 'mail.local', PORT: '99999', SECURE: 'maybe', STARTTLS: 'sometimes', USER: 'ww', CA_FILE: join(dir, 'missing.pem'), TIMEOUT: 'soon' }));
    } catch (e) {
      err = e as SmtpConfigError;
    }
    expect(err).toBeInstanceOf(SmtpConfigError);
    for (const k of ['PORT', 'SECURE', 'STARTTLS', 'neither', 'CA_FILE', 'TIMEOUT']) expect(err!.message).toContain(k);
  });

  it('refuses a password in clear and conflicting settings', () => {
    expect(() => smtpSettingsFromEnv(E({ HOST: 'm', USER: 'u', PASSWORD: 'p', STARTTLS: 'never' }))).toThrow(/in clear/);
    expect(() => smtpSettingsFromEnv(E({ HOST: 'm', USER: 'u', PASSWORD: 'p', PASSWORD_FILE: '/x' }))).toThrow(/both set/);
    expect(() => smtpSettingsFromEnv(E({ HOST: 'm', PASSWORD: 'p' }))).toThrow(/USER is not/);
    expect(() => smtpSettingsFromEnv(E({ HOST: 'm', SECURE: '1', STARTTLS: 'required' }))).toThrow(/exclude each other/);
    expect(() => smtpSettingsFromEnv(E({ HOST: 'm; rm -rf /' }))).toThrow(/HOST/);
  });
});
