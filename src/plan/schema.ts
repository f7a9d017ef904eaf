// The plan file's shape: one typed Plan, validated before anything runs. Durations are written as
// text in the file ("5m") and become milliseconds here. Unknown keys are errors (strict objects),
// so a misspelt field never silently falls back to a default.
import { z } from 'zod';
import { parseDuration } from './duration';
import { METRIC_NAMES } from './metrics';
import { errorPatternProblem } from './error-pattern';
import { stepTemplateProblem } from './step-placeholders';

/** Hosts and agents become parts of shell commands and file names: a narrow alphabet, checked first. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const name = z.string().regex(NAME_PATTERN, { message: 'expected a name of letters, digits, ".", "_", "-" (max 64), starting with a letter or digit' });

/** Checkpoint names become folder names ("T+6h"): the name alphabet plus "+". */
export const CHECKPOINT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$/;
const checkpointName = z.string().regex(CHECKPOINT_NAME_PATTERN, { message: 'expected a checkpoint name of letters, digits, ".", "+", "_", "-" (max 64)' });

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const DNS = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** A dotted name whose last label is numeric is a malformed IP literal, not a DNS name. */
const looksNumeric = (s: string) => /(^|\.)\d+$/.test(s);
const address = z.string().refine((s) => IPV4.test(s) || (DNS.test(s) && !looksNumeric(s)) || isIpv6(s), {
  message: 'expected an IP address or a DNS name',
});
function isIpv6(s: string): boolean {
  return /^[0-9A-Fa-f:]+$/.test(s) && s.includes(':') && require('node:net').isIPv6(s);
}

/** A duration as a plan file writes it ("5m"), parsed into milliseconds. */
const textDuration = z.string().transform((s, ctx) => {
  const ms = parseDuration(s);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like "500ms", "5m" or "1h30m", got "${s}"` });
    return z.NEVER;
  }
  return ms;
});
/** A duration of a plan that was already parsed (the plan a workflow carries): milliseconds. */
const msDuration = z.number().int().min(0);

/**
 * Credentials in a URL would travel with the plan into the workflow's history, the stored plan, probe
 * errors, artifacts and email. wavewatch's NATS credentials come from a file on the worker
 * (collect/nats/connect.ts); the URL says where, never who.
 */
const withoutCredentials = (s: string) => !/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*@/.test(s);
const CREDENTIALS_IN_URL =
  "credentials in a URL are refused (the plan is kept in the wave's history, artifacts and email): the worker reads NATS credentials from a file named by nats.credentialsFile or WAVEWATCH_NATS_CREDS";

const port = z.number().int().min(1).max(65535);
const percent = z.number().min(0).max(100);

/** What a rule does when it fails; `--policy` may only soften it (product.md, Semantics). */
export const ACTIONS = ['observe', 'page', 'hold', 'rollback'] as const;
export type RuleAction = (typeof ACTIONS)[number];

const comparison = z.enum(['<', '<=', '>', '>=', '==', '!=']);

/** A criterion or rule: `metric op threshold`, e.g. errors.rate_pct < 0.1. */
const rule = z
  .object({
    id: name,
    title: z.string().min(1),
    metric: z.enum(METRIC_NAMES),
    op: comparison,
    threshold: z.number(),
    /** checkpoint: the checkpoint's own window; wave: from monitoring start; tick: one monitor interval. */
    window: z.enum(['checkpoint', 'wave', 'tick']).default('checkpoint'),
  })
  .strict();

const criterion = rule
  .extend({
    /** Primary criteria decide GO/NO-GO; secondary ones are informational. */
    primary: z.boolean(),
    /** The checkpoints that judge it; empty means only the final wave verdict. */
    checkpoints: z.array(z.string()).default([]),
  })
  .strict();

const alertRule = rule
  .extend({
    severity: z.enum(['critical', 'warning']),
    action: z.enum(ACTIONS).default('page'),
    window: z.enum(['checkpoint', 'wave', 'tick']).default('tick'),
  })
  .strict();

const rollbackCriterion = rule
  .extend({
    action: z.enum(ACTIONS).default('rollback'),
    window: z.enum(['checkpoint', 'wave', 'tick']).default('tick'),
  })
  .strict();

/**
 * The plan's rules, for either encoding of durations: text in a plan file, milliseconds in a plan that
 * was already parsed. One definition, so a plan a workflow carries is held to the file's rules.
 */
function planSchemaWith(duration: z.ZodType<number>) {
  const positiveDuration = duration.refine((ms) => ms > 0, { message: 'expected a duration above zero' });

  const rollbackStep = z
    .object({
      name: name,
      /** Run on every host once per agent under test ({agent} and {unit} filled), or once per host. */
      forEach: z.enum(['agent', 'host']).default('agent'),
      /** The command; placeholders {host}, {agent}, {unit} are replaced by validated, shell-quoted names. */
      run: z.string().min(1),
      /** Idempotence: when this command exits 0 the step is already done on that target and is skipped. */
      skipIf: z.string().min(1).optional(),
      timeout: positiveDuration.default(60_000),
    })
    .strict()
    .superRefine((step, ctx) => {
      for (const key of ['run', 'skipIf'] as const) {
        const problem = step[key] === undefined ? null : stepTemplateProblem(step[key], step.forEach);
        if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
      }
    });

  const checkpoint = z
    .object({
      name: checkpointName,
      at: positiveDuration,
      purpose: z.string().default(''),
      actions: z.array(z.string().min(1)).default([]),
    })
    .strict();

  return z
    .object({
      version: z.literal(1),
      wave: z
        .object({
          name: name,
          title: z.string().min(1),
          duration: positiveDuration,
        })
        .strict(),
      hosts: z
        .array(
          z
            .object({
              name: name,
              address: address,
              port: port.default(22),
              user: name,
            })
            .strict(),
        )
        .min(1, { message: 'expected at least one host' }),
      ssh: z
        .object({
          /** known_hosts file (OpenSSH format); an unknown or changed host key refuses the host. */
          knownHostsFile: z.string().min(1).optional(),
          /** Pinned OpenSSH fingerprints ("SHA256:…") per host name, instead of or beside known_hosts. */
          fingerprints: z.record(z.string(), z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/)).default({}),
          /** Path of the private key file; the key itself never lives in a plan. Else WAVEWATCH_SSH_KEY or the ssh-agent. */
          identityFile: z.string().min(1).optional(),
          connectTimeout: positiveDuration.default(10_000),
          commandTimeout: positiveDuration.default(30_000),
          keepalive: positiveDuration.default(15_000),
          channelsPerHost: z.number().int().min(1).max(10).default(4),
          maxConcurrentHosts: z.number().int().min(1).default(32),
        })
        .strict(),
      agents: z
        .object({
          underTest: z
            .array(z.object({ name: name, cluster: name }).strict())
            .min(1, { message: 'expected at least one agent under test' }),
          control: z.array(z.object({ name: name }).strict()).default([]),
          /** systemd unit per agent; {agent} is replaced. */
          unitTemplate: z.string().regex(/\{agent\}/, { message: 'expected a template containing {agent}' }),
          installPath: z.string().regex(/^\/[^\0]*$/, { message: 'expected an absolute path' }),
          /** Agents often log errors at info on stdout: lines matching this (case-insensitive) count as errors too. */
          errorPattern: z
            .string()
            .superRefine((p, ctx) => {
              const problem = errorPatternProblem(p);
              if (problem) ctx.addIssue({ code: 'custom', message: problem });
            })
            .default('\\berror\\b'),
        })
        .strict(),
      nats: z
        .object({
          servers: z
            .array(z.string().regex(/^(nats|tls):\/\/[^\s/]+$/, { message: 'expected nats://host:port' }).refine(withoutCredentials, { message: CREDENTIALS_IN_URL }))
            .min(1),
          monitoringUrl: z.string().regex(/^https?:\/\/[^\s]+$/, { message: 'expected http(s)://host:port' }).refine(withoutCredentials, { message: CREDENTIALS_IN_URL }),
          /** Credentials file path or env var name; never the credentials themselves. */
          credentialsFile: z.string().min(1).optional(),
          /** How agents name their connections, so /connz can be read per agent. */
          agentConnectionName: z.string().default('{agent}@{host}'),
          patterns: z
            .object({ legacy: z.string().min(1), unified: z.string().min(1) })
            .strict(),
          sampling: z
            .object({
              window: positiveDuration,
              minWindow: positiveDuration.default(3000),
              skewWindow: positiveDuration.default(2000),
              grace: positiveDuration.default(2000),
              maxSubjectsSampled: z.number().int().min(0).default(1000),
            })
            .strict(),
          probe: z
            .object({
              subject: z.string().regex(/\{agent\}/, { message: 'expected a subject template containing {agent}' }),
              payload: z.string(),
              count: z.number().int().min(1),
              perTick: z.number().int().min(0).default(20),
              ratePerSecond: z.number().positive().default(20),
              timeout: positiveDuration.default(2000),
              minLatencyDifferenceMs: z.number().min(0).default(5),
            })
            .strict(),
        })
        .strict(),
      monitor: z
        .object({
          interval: positiveDuration,
          loadWarning: z.number().positive().default(2),
          holdTimeout: positiveDuration.default(1_800_000),
          onHoldTimeout: z.enum(['rollback', 'continue']).default('rollback'),
          alertRepeat: positiveDuration.default(3_600_000),
        })
        .strict(),
      /**
       * The continuous watch between the monitor's looks (issue 14). Plan times, scaled by the wave's
       * time scale with floors (watch-timings.ts). prefault: a plan without the section gets the defaults.
       */
      watch: z
        .object({
          enabled: z.boolean().default(true),
          /** One light probe request per agent every interval. */
          probeInterval: positiveDuration.default(2000),
          /** An agent silent longer than this is an event: at least 3 probe intervals (one lost reply is not silence). */
          silence: positiveDuration.default(6000),
          /** NATS disconnects shorter than this are not outages (0: every one). */
          minOutage: duration.default(0),
          /** An episode of the same subject starting within this of the last one's end merges into it (a flap). */
          flapMerge: duration.default(60_000),
        })
        .strict()
        .refine((w) => w.silence >= 3 * w.probeInterval, { path: ['silence'], message: 'expected watch.silence of at least 3 probe intervals' })
        .prefault({}),
      checkpoints: z.array(checkpoint).min(1, { message: 'expected at least one checkpoint' }),
      criteria: z.array(criterion).default([]),
      alerts: z.array(alertRule).default([]),
      rollback: z
        .object({
          criteria: z.array(rollbackCriterion).default([]),
          steps: z.array(rollbackStep).min(1, { message: 'expected at least one rollback step' }),
        })
        .strict(),
      notify: z
        .object({
          from: z.string().email(),
          checkpoint: z.array(z.string().email()).default([]),
          incident: z.array(z.string().email()).default([]),
          final: z.array(z.string().email()).default([]),
        })
        .strict(),
      output: z
        .object({
          dir: z.string().min(1),
          alertLog: z.string().min(1),
          decisionDoc: z.string().min(1),
          reportDoc: z.string().min(1),
        })
        .strict(),
    })
    .strict()
    .superRefine((plan, ctx) => {
      const dup = (items: string[], path: (string | number)[], what: string) => {
        const seen = new Set<string>();
        items.forEach((item, i) => {
          if (seen.has(item)) ctx.addIssue({ code: 'custom', path: [...path, i, 'name'], message: `duplicate ${what} "${item}"` });
          seen.add(item);
        });
      };
      dup(plan.hosts.map((h) => h.name), ['hosts'], 'host');
      const agentNames = [...plan.agents.underTest.map((a) => a.name), ...plan.agents.control.map((a) => a.name)];
      dup(plan.agents.underTest.map((a) => a.name), ['agents', 'underTest'], 'agent');
      plan.agents.control.forEach((a, i) => {
        if (agentNames.indexOf(a.name) < plan.agents.underTest.length)
          ctx.addIssue({ code: 'custom', path: ['agents', 'control', i, 'name'], message: `agent "${a.name}" is both under test and control` });
      });
      dup(plan.agents.control.map((a) => a.name), ['agents', 'control'], 'agent');
      dup(plan.checkpoints.map((c) => c.name), ['checkpoints'], 'checkpoint');
      plan.checkpoints.forEach((c, i) => {
        if (c.at > plan.wave.duration)
          ctx.addIssue({ code: 'custom', path: ['checkpoints', i, 'at'], message: `checkpoint "${c.name}" is after the wave's end (${plan.wave.duration} ms)` });
        if (i > 0 && c.at <= plan.checkpoints[i - 1].at)
          ctx.addIssue({ code: 'custom', path: ['checkpoints', i, 'at'], message: 'expected checkpoints in increasing time order' });
      });
      const cpNames = new Set(plan.checkpoints.map((c) => c.name));
      const ruleIds = new Set<string>();
      const allRules: [string, { id: string }[]][] = [['criteria', plan.criteria], ['alerts', plan.alerts]];
      for (const [key, rules] of allRules)
        rules.forEach((r, i) => {
          if (ruleIds.has(r.id)) ctx.addIssue({ code: 'custom', path: [key, i, 'id'], message: `duplicate rule id "${r.id}"` });
          ruleIds.add(r.id);
        });
      plan.rollback.criteria.forEach((r, i) => {
        if (ruleIds.has(r.id)) ctx.addIssue({ code: 'custom', path: ['rollback', 'criteria', i, 'id'], message: `duplicate rule id "${r.id}"` });
        ruleIds.add(r.id);
      });
      plan.criteria.forEach((c, i) =>
        c.checkpoints.forEach((cp, j) => {
          if (!cpNames.has(cp)) ctx.addIssue({ code: 'custom', path: ['criteria', i, 'checkpoints', j], message: `unknown checkpoint "${cp}"` });
        }),
      );
      dup(plan.rollback.steps.map((s) => s.name), ['rollback', 'steps'], 'rollback step');
      for (const key of Object.keys(plan.ssh.fingerprints))
        if (!plan.hosts.some((h) => h.name === key))
          ctx.addIssue({ code: 'custom', path: ['ssh', 'fingerprints', key], message: `fingerprint for unknown host "${key}"` });
    });
}

/** A plan file's data: durations as text. */
export const planSchema = planSchemaWith(textDuration);
/** A plan that was already parsed (what a workflow carries and the artifact store keeps): durations in ms. */
export const storedPlanSchema = planSchemaWith(msDuration);

export type Plan = z.output<typeof planSchema>;
export type PlanHost = Plan['hosts'][number];
export type PlanCheckpoint = Plan['checkpoints'][number];
export type PlanCriterion = Plan['criteria'][number];
export type PlanAlertRule = Plan['alerts'][number];
export type PlanRollbackCriterion = Plan['rollback']['criteria'][number];
export type PlanRollbackStep = Plan['rollback']['steps'][number];
export type PlanWatch = Plan['watch'];
export type PlanRule = PlanCriterion | PlanAlertRule | PlanRollbackCriterion;
