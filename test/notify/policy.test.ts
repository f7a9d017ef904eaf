import { incidentEmailDue, type SentIncidentEmail } from '../../src/notify/policy';

const H = 3_600_000;

it('one email when an incident fires, one when it escalates, reminders after the repeat interval, never one per tick', () => {
  const sent: SentIncidentEmail[] = [];
  const emails: string[] = [];
  const tick = (t: number, state: 'firing' | 'acknowledged' | 'resolved', severity: 'critical' | 'warning') => {
    const due = incidentEmailDue({ state, severity }, sent, t, H);
    if (due) {
      sent.push({ ...due, atMs: t, severity });
      emails.push(`${due.event}${due.sequence ? due.sequence : ''}@${t / 60_000}m`);
    }
  };
  for (let m = 0; m <= 150; m += 5) tick(m * 60_000, 'firing', m < 20 ? 'warning' : 'critical');
  for (let m = 155; m <= 300; m += 5) tick(m * 60_000, 'acknowledged', 'critical');
  expect(emails).toEqual(['fired@0m', 'escalated@20m', 'reminder1@80m', 'reminder2@140m']);
  expect(incidentEmailDue({ state: 'resolved', severity: 'critical' }, [], 0, H)).toBeNull();
  // a second escalation does not exist: critical is the top
  expect(incidentEmailDue({ state: 'firing', severity: 'critical' }, [{ event: 'fired', sequence: 0, atMs: 0, severity: 'critical' }], 10, H)).toBeNull();
});
