// Alerts: their events into the alert log, and the incident emails (an alert, or a hold that pages).
import { appendAlertLog } from '../artifacts/alertlog';
import { alertRecordsOf, alertLogEntryOf } from '../observe';
import { incidentNotification } from '../notify/notifications';
import type { ActivityContext } from './context';
import { MAIL_NOT_CONFIGURED, send } from './mail';
import type { AlertsInput, FinishInput, WaveRef } from './types';

export function alertActivities(ctx: ActivityContext) {
  return {
    /** Alert events into the alert log (always), then their emails. */
    async recordAlerts(input: AlertsInput): Promise<number> {
      const plan = await ctx.humanPlan(await ctx.planOf(input), input);
      const records = alertRecordsOf(input.status.alerts, plan);
      const wave = { wave: plan.wave.name, waveId: input.waveId };
      for (const e of input.entries)
        await appendAlertLog(ctx.store, plan, alertLogEntryOf(e, wave, records.find((a) => a.id === e.alertId)));
      return input.entries.length;
    },

    async notifyIncident(input: AlertsInput): Promise<string[]> {
      if (!ctx.mail) return [MAIL_NOT_CONFIGURED];
      const plan = await ctx.humanPlan(await ctx.planOf(input), input);
      const records = alertRecordsOf(input.status.alerts, plan);
      const out: string[] = [];
      for (const n of input.notifications) {
        const alert = records.find((a) => a.id === n.alertId);
        if (!alert) continue;
        out.push(await send(ctx.mail, plan, incidentNotification(input.waveId, { ...alert, message: n.message }, n.kind, new Date(n.at).toISOString())));
      }
      return out;
    },

    /** A hold waits for a human: page the incident recipients once when it begins (the escalation). */
    async notifyHold(input: WaveRef & { hold: NonNullable<FinishInput['status']['hold']> }): Promise<string> {
      if (!ctx.mail) return MAIL_NOT_CONFIGURED;
      const h = input.hold;
      const alert = {
        id: `hold:${h.criterion ?? 'verdict'}:${h.since}`,
        rule: h.criterion ?? 'final-verdict',
        title: 'Held for a human decision',
        severity: 'critical' as const,
        scope: 'wave',
        state: 'firing' as const,
        firstFiredAt: h.since,
        lastFiredAt: h.since,
        resolvedAt: null,
        acknowledgedAt: null,
        acknowledgedBy: null,
        escalated: true,
        message: h.reason,
        value: null,
        threshold: null,
        actionTaken: `Holding until ${h.deadline}, then ${h.onTimeout}; decide with: wavewatch rollback|resume|waive ${input.waveId}`,
      };
      return send(ctx.mail, await ctx.humanPlan(await ctx.planOf(input), input), incidentNotification(input.waveId, alert, 'escalated', h.since));
    },
  };
}
