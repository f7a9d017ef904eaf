// The reports' charts as SVG documents, drawn by vega-lite (compiled to vega, rendered headless: no
// canvas, no browser). Times are UTC so the same data draws the same file on any machine.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { CheckpointRecord } from '../artifacts/records/checkpoint';
import type { MonitorSample } from '../artifacts/records/monitor';
import type { Plan } from '../plan/schema';
import { MiB, isNum } from '../plan/units';
import { num } from './format';
import { comparisonOf, roleSummary } from './rollup';
import { cumulativeUptime, instanceSeries, planHours, tickSeries } from './series';
import { max } from './stats';
import { instanceKey } from '../model/instance';

export interface ChartDef {
  /** File name without extension: error-rate, latency, memory, uptime, test-vs-control. */
  id: string;
  title: string;
  /** One line for the markdown under the chart: what it shows and from what. */
  caption: string;
  spec: TopLevelSpec;
}

type Row = Record<string, string | number | null>;

const WIDTH = 640;
const HEIGHT = 240;

/** x: hours of plan time since monitoring start (T+h), so checkpoints sit at 1, 6, 12, 24 whatever the time scale. */
function timeX() {
  return { field: 'h', type: 'quantitative' as const, title: 'hours since monitoring start (T+h, plan time)', axis: { labelAngle: 0 } };
}

function lineChart(
  title: string,
  values: Row[],
  opts: {
    yTitle: string;
    rules?: { value: number; label: string }[];
    yDomain?: [number, number];
    dashField?: string;
    colorField?: string;
    subtitle?: string;
    /** Vertical markers (checkpoints) at plan hours. */
    marks?: { h: number; label: string }[];
  },
): TopLevelSpec {
  const line = {
    mark: { type: 'line' as const, point: values.length <= 48, interpolate: 'monotone' as const },
    encoding: {
      x: timeX(),
      y: { field: 'value', type: 'quantitative' as const, title: opts.yTitle, ...(opts.yDomain ? { scale: { domain: opts.yDomain } } : {}) },
      color: { field: opts.colorField ?? 'series', type: 'nominal' as const, title: null },
      detail: { field: 'series', type: 'nominal' as const },
      ...(opts.dashField ? { strokeDash: { field: opts.dashField, type: 'nominal' as const, title: null } } : {}),
    },
  };
  const layers: object[] = [{ data: { values }, ...line }];
  if (opts.marks?.length)
    layers.unshift(
      { data: { values: opts.marks }, mark: { type: 'rule', color: '#999', strokeDash: [2, 3] }, encoding: { x: { field: 'h', type: 'quantitative' } } },
      {
        data: { values: opts.marks },
        mark: { type: 'text', color: '#666', align: 'left', baseline: 'top', dx: 3, y: 2, fontSize: 10 },
        encoding: { x: { field: 'h', type: 'quantitative' }, text: { field: 'label' } },
      },
    );
  if (opts.rules?.length)
    layers.push(
      {
        data: { values: opts.rules },
        mark: { type: 'rule', color: '#c0392b', strokeDash: [6, 4] },
        encoding: { y: { field: 'value', type: 'quantitative' } },
      },
      {
        data: { values: opts.rules },
        mark: { type: 'text', color: '#c0392b', align: 'left', dx: 4, dy: -6, x: 0 },
        encoding: { y: { field: 'value', type: 'quantitative' }, text: { field: 'label' } },
      },
    );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: opts.subtitle ? { text: title, subtitle: opts.subtitle } : title,
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    layer: layers,
  } as TopLevelSpec;
}

function threshold(plan: Plan | null, metric: string): number | null {
  const c = plan?.criteria.find((x) => x.metric === metric && x.primary) ?? plan?.criteria.find((x) => x.metric === metric);
  return c ? c.threshold : null;
}

/** Rules drawn only when the limit is within reach of the data (a 200 ms line over 2 ms data flattens the chart). */
function rulesNear(limits: { value: number | null; label: string }[], dataMax: number | null): { rules: { value: number; label: string }[]; offScale: string[] } {
  const rules: { value: number; label: string }[] = [];
  const offScale: string[] = [];
  for (const l of limits) {
    if (!isNum(l.value)) continue;
    if (dataMax !== null && dataMax >= l.value / 4) rules.push({ value: l.value, label: l.label });
    else offScale.push(l.label);
  }
  return { rules, offScale };
}

/** The chart definitions for a wave: from the monitor samples when there are some, else from the checkpoints. */
export function chartDefs(
  plan: Plan | null,
  checkpoints: CheckpointRecord[],
  samples: MonitorSample[],
  tb: { monitoringStart: string; timeScale: number },
): ChartDef[] {
  const startMs = Date.parse(tb.monitoringStart);
  const h = (iso: string) => Math.round(planHours(startMs, Date.parse(iso), tb.timeScale) * 1000) / 1000;
  // rows are built with their wall time `at`; withH adds the plan hour the x axis uses
  const withH = <T extends Row>(rows: T[]) => rows.map((r) => ({ ...r, h: h(r.at as string) }));
  const fromTicks = samples.length >= 2;
  const lastH = Math.max(0, ...samples.map((s) => h(s.at)), ...checkpoints.map((c) => h(c.finishedAt)));
  const marks = checkpoints.map((c) => ({ h: h(c.finishedAt), label: c.checkpoint })).filter((m) => m.h <= lastH + 1e-9);
  const source = fromTicks ? `${samples.length} monitor samples` : `${checkpoints.length} checkpoint(s)`;
  const defs: ChartDef[] = [];

  // error rate
  const errRows: Row[] = [];
  if (fromTicks) for (const role of ['test', 'control'] as const) for (const p of tickSeries(samples, role)) errRows.push({ at: p.at, series: role, value: p.errorRatePct });
  else
    for (const r of checkpoints)
      for (const role of ['test', 'control'] as const) errRows.push({ at: r.finishedAt, series: role, value: num(roleSummary(r, role).errorRatePct) });
  const errLimit = threshold(plan, 'errors.rate_pct');
  const errRules = rulesNear([{ value: errLimit, label: `limit ${errLimit}%` }], max(errRows.map((r) => r.value as number | null)));
  defs.push({
    id: 'error-rate',
    title: 'Error rate, test vs control (%)',
    caption: `Errors per message handled, per ${fromTicks ? 'monitor tick' : 'checkpoint window'} (${source}).${errRules.offScale.length ? ` ${errRules.offScale.join(', ')}: far above the data.` : ''}`,
    spec: lineChart('Error rate (%)', withH(errRows), { yTitle: 'errors / messages (%)', rules: errRules.rules, marks }),
  });

  // latency p50 / p99
  const latRows: Row[] = [];
  if (fromTicks)
    for (const role of ['test', 'control'] as const)
      for (const p of tickSeries(samples, role)) {
        latRows.push({ at: p.at, series: `${role} p50`, metric: 'p50', role, value: p.p50Ms });
        latRows.push({ at: p.at, series: `${role} p99`, metric: 'p99', role, value: p.p99Ms });
      }
  else
    for (const r of checkpoints)
      for (const role of ['test', 'control'] as const) {
        const s = roleSummary(r, role);
        latRows.push({ at: r.finishedAt, series: `${role} p50`, metric: 'p50', role, value: num(s.latencyP50MsMax) });
        latRows.push({ at: r.finishedAt, series: `${role} p99`, metric: 'p99', role, value: num(s.latencyP99MsMax) });
      }
  const p50 = threshold(plan, 'probe.p50_ms');
  const p99 = threshold(plan, 'probe.p99_ms');
  const latRules = rulesNear(
    [
      { value: p50, label: `p50 limit ${p50} ms` },
      { value: p99, label: `p99 limit ${p99} ms` },
    ],
    max(latRows.map((r) => r.value as number | null)),
  );
  defs.push({
    id: 'latency',
    title: 'Response latency p50 / p99 (ms)',
    caption: `Worst agent's probe latency per ${fromTicks ? 'tick (light probe)' : 'checkpoint (full probe)'} (${source}).${latRules.offScale.length ? ` Limits off the scale: ${latRules.offScale.join(', ')}.` : ''}`,
    spec: lineChart('Response latency (ms)', withH(latRows), { yTitle: 'ms', rules: latRules.rules, colorField: 'metric', dashField: 'role', marks }),
  });

  // memory per agent instance
  const memRows: Row[] = [];
  if (fromTicks)
    for (const s of instanceSeries(samples, tb.timeScale))
      for (const p of s.points) memRows.push({ at: p.at, series: s.role === 'control' ? `${s.key} (control)` : s.key, value: isNum(p.memoryBytes) ? p.memoryBytes / MiB : null });
  else
    for (const r of checkpoints)
      for (const a of r.agents) memRows.push({ at: r.finishedAt, series: a.role === 'control' ? `${instanceKey(a.host, a.agent)} (control)` : instanceKey(a.host, a.agent), value: isNum(a.memoryBytes.value) ? a.memoryBytes.value / MiB : null });
  defs.push({
    id: 'memory',
    title: 'Memory per agent instance (MiB)',
    caption: `Resident memory (MemoryCurrent) of each agent instance (${source}).`,
    spec: lineChart('Memory per agent instance (MiB)', withH(memRows), { yTitle: 'MiB', marks }),
  });

  // uptime
  const upRows: Row[] = [];
  if (fromTicks)
    for (const role of ['test', 'control'] as const)
      for (const s of cumulativeUptime(samples, role)) for (const p of s.points) upRows.push({ at: p.at, series: role === 'control' ? `${s.agent} (control)` : s.agent, value: p.uptimePct });
  else
    for (const r of checkpoints)
      for (const agent of [...new Set(r.agents.map((a) => a.agent))]) {
        const inst = r.agents.filter((a) => a.agent === agent);
        const vals = inst.map((a) => a.uptimePct.value).filter(isNum);
        upRows.push({ at: r.finishedAt, series: inst[0].role === 'control' ? `${agent} (control)` : agent, value: vals.length ? Math.min(...vals) : null });
      }
  const lowest = Math.min(99, ...upRows.map((r) => r.value).filter(isNum));
  const upLimit = threshold(plan, 'agents.uptime_pct');
  defs.push({
    id: 'uptime',
    title: 'Agent uptime over the wave (%)',
    caption: fromTicks
      ? `Cumulative share of monitor samples with the agent's instances active (${source}).`
      : `Lowest instance uptime per agent at each checkpoint (${source}).`,
    spec: lineChart('Agent uptime (%)', withH(upRows), {
      marks,
      yTitle: '%',
      yDomain: [Math.floor(lowest), 100],
      rules: isNum(upLimit) && upLimit >= Math.floor(lowest) ? [{ value: upLimit, label: `target > ${upLimit}%` }] : [],
    }),
  });

  // test vs control per checkpoint
  const cmpRows: Row[] = [];
  const labels: Record<string, string> = {
    error_rate_pct: 'error rate (%)',
    latency_p50_ms: 'latency p50 (ms)',
    latency_p99_ms: 'latency p99 (ms)',
    memory_bytes: 'memory (MiB)',
    cpu_pct: 'CPU (%)',
  };
  const order = checkpoints.map((r) => r.checkpoint);
  for (const r of checkpoints)
    for (const row of comparisonOf(r).rows) {
      if (!(row.metric in labels)) continue;
      const scale = row.metric === 'memory_bytes' ? MiB : 1;
      cmpRows.push({ checkpoint: r.checkpoint, metric: labels[row.metric], role: 'test', value: isNum(row.test.value) ? row.test.value / scale : null });
      cmpRows.push({ checkpoint: r.checkpoint, metric: labels[row.metric], role: 'control', value: isNum(row.control.value) ? row.control.value / scale : null });
    }
  defs.push({
    id: 'test-vs-control',
    title: 'Test vs control at each checkpoint',
    caption: 'Agents under test against the control agents: error rate, worst-agent latency, mean memory and CPU per instance.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
      title: 'Test vs control',
      background: 'white',
      data: { values: cmpRows },
      facet: { field: 'metric', type: 'nominal', title: null, sort: Object.values(labels) },
      columns: 3,
      spec: {
        width: 180,
        height: 160,
        mark: 'bar',
        encoding: {
          x: { field: 'checkpoint', type: 'ordinal', sort: order, title: null, axis: { labelAngle: 0 } },
          xOffset: { field: 'role', type: 'nominal', sort: ['test', 'control'] },
          y: { field: 'value', type: 'quantitative', title: null },
          color: { field: 'role', type: 'nominal', sort: ['test', 'control'], title: null, scale: { range: ['#1f77b4', '#aaaaaa'] } },
        },
      },
      resolve: { scale: { y: 'independent' } },
    } as TopLevelSpec,
  });
  return defs;
}

/** Renders a vega-lite spec to an SVG document. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg.endsWith('\n') ? svg : `${svg}\n`;
  } finally {
    view.finalize();
  }
}

export interface RenderedChart {
  id: string;
  title: string;
  caption: string;
  svg: string;
}

/** The wave's charts as SVG documents (the activity writes them under <output.dir>/charts/). */
export async function renderCharts(plan: Plan, checkpoints: CheckpointRecord[], samples: MonitorSample[], tb: { monitoringStart: string; timeScale: number }): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  for (const def of chartDefs(plan, checkpoints, samples, tb)) out.push({ id: def.id, title: def.title, caption: def.caption, svg: await renderSvg(def.spec) });
  return out;
}
