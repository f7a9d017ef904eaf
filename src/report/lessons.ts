// The spec's "Lessons learned" and "Next steps" in words: the judge decides the lessons
// (judge/lessons.ts) from the wave's records; this turns each into sentences. Pure.
import { waveLessons, type Lesson } from '../judge/lessons';
import { judged, waveCriteria } from '../judge/wave-analysis';
import { nextWaveLabel } from '../plan/next-wave';
import { compareCheckpoints } from './compare';
import { fmtBytes, fmtNumber, fmtPct, fmtTime, fmtValue, type Unit } from './format';
import { isNum } from '../plan/units';
import type { ReportData } from './report-data';
import { comparisonOf } from './rollup';
import { instanceSeries } from './series';

/** The judge's lessons for the wave in the documents' data. */
export function lessonsOf(data: ReportData): Lesson[] {
  const last = data.checkpoints[data.checkpoints.length - 1];
  return waveLessons({
    primary: waveCriteria(data, true).criteria.filter(judged),
    secondary: waveCriteria(data, false).criteria.filter(judged),
    degrading: compareCheckpoints(data.checkpoints, data.plan)
      .lines.filter((l) => l.overall === 'degrading')
      .map((l) => ({ label: l.label, unit: l.unit, first: l.values.find(isNum) ?? null, last: [...l.values].reverse().find(isNum) ?? null })),
    memory: instanceSeries(data.samples, data.wave.timeScale),
    waveHours: data.plan.wave.duration / 3_600_000,
    alerts: data.wave.alerts,
    control: last ? comparisonOf(last).rows.map((r) => ({ metric: r.metric, significant: r.significant, deltaPct: r.deltaPct.value })) : null,
    gaps: data.checkpoints.flatMap((c) => c.gaps.map((g) => `${c.checkpoint}: ${g}`)),
    missingCheckpoints: data.wave.checkpoints.filter((c) => c.gap).map((c) => ({ name: c.name, gap: c.gap as string })),
    skippedTicks: data.wave.skippedTicks,
  });
}

/** What held, what degraded, and the recommendations, as the report's sentences. */
export function lessonText(lessons: readonly Lesson[], next: string): { held: string[]; degraded: string[]; recommendations: string[] } {
  const held: string[] = [];
  const degraded: string[] = [];
  const recs: string[] = [];
  for (const l of lessons)
    switch (l.kind) {
      case 'held': {
        const c = l.criterion;
        held.push(`${c.title}: measured ${fmtNumber(c.value, '', 3)} against ${c.op} ${c.threshold}${l.usedPct !== null ? ` (${fmtPct(l.usedPct, 1)} of the limit)` : ''}.`);
        break;
      }
      case 'tight-margin':
        recs.push(`${l.criterion.title} passed with a tight margin (${fmtNumber(l.criterion.value, '', 3)} against ${l.criterion.op} ${l.criterion.threshold}): watch it closely in ${next}.`);
        break;
      case 'not-met': {
        const c = l.criterion;
        degraded.push(`${c.title} ${c.primary ? '(primary)' : '(secondary)'} was not met: ${fmtNumber(c.value, '', 3)} against ${c.op} ${c.threshold}${c.note ? ` — ${c.note}` : ''}.`);
        recs.push(`Find and fix the cause of "${c.title}" before ${next}.`);
        break;
      }
      case 'not-judgeable':
        degraded.push(`${l.criterion.title} could not be judged (${l.criterion.outcome}${l.criterion.note ? `: ${l.criterion.note}` : ''}).`);
        recs.push(`Make "${l.criterion.metric}" measurable for ${next} (it had no usable data).`);
        break;
      case 'waived':
        degraded.push(`${l.criterion.title} was waived by ${l.criterion.waiver?.by ?? 'an operator'}: ${l.criterion.waiver?.reason ?? 'no reason given'}.`);
        break;
      case 'held-secondary':
        held.push(`Secondary criteria met: ${l.titles.join('; ')}.`);
        break;
      case 'degrading':
        degraded.push(`${l.label} degraded over the wave: ${fmtValue(l.first, l.unit as Unit)} → ${fmtValue(l.last, l.unit as Unit)}.`);
        break;
      case 'memory-growth':
        degraded.push(`${l.instance}: memory grew steadily, ${fmtBytes(l.slopePerHour)}/h (r²=${l.r2.toFixed(2)}), +${fmtPct(l.growthPct, 0)} per wave at this rate.`);
        recs.push(`Profile ${l.agent}'s memory before ${next}: it grew ${fmtBytes(l.slopePerHour)}/h.`);
        break;
      case 'alert-repeated':
        degraded.push(`Alert "${l.title}" (${l.rule}) fired ${l.count} time(s), on ${l.scopes.join(', ')}.`);
        break;
      case 'no-alerts':
        held.push('No alert fired during the wave.');
        break;
      case 'worse-than-control':
        degraded.push(`Agents under test were significantly worse than control on ${l.metric} (${fmtPct(l.deltaPct, 1)}).`);
        break;
      case 'data-gaps':
        degraded.push(`Data gaps: ${l.gaps.slice(0, 5).join('; ')}${l.gaps.length > 5 ? `; … ${l.gaps.length - 5} more` : ''}.`);
        recs.push('Close the monitoring gaps listed under Issues (collection failures) before the next wave.');
        break;
      case 'checkpoint-missing':
        degraded.push(`Checkpoint ${l.name} was not collected: ${l.gap}.`);
        break;
      case 'skipped-ticks':
        degraded.push(`${l.count} monitor tick(s) were skipped because collection took longer than a tick.`);
        break;
      case 'no-change':
        recs.push(`No change to the monitoring plan is needed for ${next}: keep the thresholds and the checkpoint schedule.`);
        break;
      case 'nothing-held':
        held.push('Nothing can be said to have held: no criterion passed with data.');
        break;
    }
  return { held, degraded, recommendations: [...new Set(recs)] };
}

/** The report's "Lessons learned" of the wave. */
export function lessons(data: ReportData): { held: string[]; degraded: string[]; recommendations: string[] } {
  return lessonText(lessonsOf(data), nextWaveLabel(data.plan));
}

export function nextSteps(data: ReportData): { go: string[]; noGo: string[] } {
  const next = nextWaveLabel(data.plan);
  const criteria = waveCriteria(data, true).criteria.filter(judged);
  const watch = lessons(data).recommendations;
  const go = [
    `Schedule ${next} and write its plan from this one (hosts, agents, the same criteria and alert rules).`,
    'Keep this wave\'s agents running; they are the baseline for the next wave\'s comparison.',
    ...watch.map((w) => `Carry forward: ${w}`),
    'Send the final report to the stakeholders and archive the checkpoint folders with the decision.',
  ];
  const noGo: string[] = [];
  for (const c of criteria.filter((x) => x.outcome !== 'pass' && x.outcome !== 'waived'))
    noGo.push(`Resolve "${c.title}": ${c.value === null ? c.outcome : `measured ${fmtNumber(c.value, '', 3)}, target ${c.op} ${c.threshold}`}${c.note ? ` (${c.note})` : ''}.`);
  for (const a of data.wave.alerts.filter((x) => x.severity === 'critical'))
    noGo.push(`Investigate critical alert "${a.title}" on ${a.scope} (first fired ${fmtTime(a.firstFiredAt)}): ${a.message}.`);
  const r = data.wave.rollback;
  if (r?.executed) noGo.push(`Verify the rollback (${r.steps.filter((s) => s.state === 'done' || s.state === 'skipped').length}/${r.steps.length} steps done or already in place): agents under test stopped and disabled on every host.`);
  else noGo.push('Run the rollback procedure (stop and disable the agents under test on every host) unless a fix is deployed first.');
  noGo.push(`Fix, redeploy, and run this wave's 24-hour monitoring again before ${next}.`);
  return { go, noGo };
}
