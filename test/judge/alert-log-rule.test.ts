// wavewatch's own alert rule about its alert log (src/judge/alert-log-rule.ts) on crafted conditions.
import { ALERT_LOG_RULE, alertLogEvaluation } from '../../src/judge/alert-log-rule';

test('a log that writes and no open alert of the rule: nothing to evaluate', () => {
  expect(alertLogEvaluation({ problem: null, pending: 0, alerts: [{ rule: ALERT_LOG_RULE, state: 'resolved' }, { rule: 'load', state: 'firing' }] })).toEqual([]);
});

test('a log that cannot be written fires a critical alert with the entries waiting as its value', () => {
  const [e] = alertLogEvaluation({ problem: 'ENOSPC', pending: 7, alerts: [] });
  expect(e).toEqual(expect.objectContaining({ rule: ALERT_LOG_RULE, scope: 'wavewatch', status: 'firing', severity: 'critical', value: 7, threshold: 0, op: '>', note: 'ENOSPC' }));
});

test('written again while its alert is open (firing or acknowledged): the alert clears', () => {
  for (const state of ['firing', 'acknowledged']) {
    const [e] = alertLogEvaluation({ problem: null, pending: 0, alerts: [{ rule: ALERT_LOG_RULE, state }] });
    expect(e).toEqual(expect.objectContaining({ status: 'clear', value: 0, note: 'written again' }));
  }
});
