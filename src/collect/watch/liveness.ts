// Each agent's liveness on NATS: one light request per agent every probe interval on the plan's
// probe subject (a queue group: one instance answers), timeout one interval. An agent that answers
// none for longer than the silence allowance is 'agent-silent' from its last answer, with the probes
// it lost; its next answer ends it. Time while the watch's own connection was down is not silence
// (that is the nats-outage the link records), so the allowance counts only connected time.
import { planAgentInfo } from '../../model/instance';
import type { NatsConnection } from '../nats/client';
import { classify } from '../nats/probes/connection-faults';
import { probeSubject } from '../nats/subjects';
import { pause, type WatchContext } from './context';
import type { NatsLink } from './nats-link';

interface AgentState {
  agent: string;
  role: 'test' | 'control';
  subject: string;
  /** Epoch ms of the last answer; null before the first. */
  lastAnswerMs: number | null;
  /** Probes lost since the last answer (the silence's lost probes when it opens). */
  lostSinceAnswer: number;
}

/** Runs until the signal aborts; resolves then. */
export async function runLiveness(ctx: WatchContext, link: NatsLink): Promise<void> {
  const startedAt = ctx.clock();
  const agents: AgentState[] = planAgentInfo(ctx.plan).map((a) => ({
    agent: a.agent,
    role: a.role,
    subject: probeSubject(ctx.plan.nats.probe.subject, a.agent),
    lastAnswerMs: null,
    lostSinceAnswer: 0,
  }));
  await Promise.all(agents.map((a) => probeLoop(ctx, link, a, startedAt)));
}

async function probeLoop(ctx: WatchContext, link: NatsLink, a: AgentState, startedAt: number): Promise<void> {
  const { timings, clock, signal } = ctx;
  const interval = timings.probeIntervalMs;
  // The agents' probes are spread over the interval, not sent in one burst.
  await pause(Math.floor(Math.random() * interval), signal);
  while (!signal.aborted) {
    const sentAt = clock();
    const nc = link.connection();
    if (nc) await probeOnce(ctx, link, nc, a, sentAt);
    checkSilence(ctx, link, a, startedAt);
    await pause(Math.max(0, sentAt + interval - clock()), signal);
  }
}

async function probeOnce(ctx: WatchContext, link: NatsLink, nc: NatsConnection, a: AgentState, sentAt: number): Promise<void> {
  const { recorder: rec, timings, clock, plan } = ctx;
  rec.probesSent++;
  try {
    await nc.request(a.subject, plan.nats.probe.payload, { timeout: timings.probeIntervalMs });
    const now = clock();
    rec.probesAnswered++;
    a.lastAnswerMs = now;
    const lost = a.lostSinceAnswer;
    a.lostSinceAnswer = 0;
    rec.close('agent-silent', a.agent, now, `answered again after ${lost} lost probe${lost === 1 ? '' : 's'}`);
  } catch (err) {
    const how = classify(err);
    // Our own connection broke during the request: the agent was not asked (the outage is recorded).
    const upSince = link.upSinceMs();
    if (how === 'connection' || upSince === null || upSince > sentAt) return;
    a.lostSinceAnswer++;
    rec.lostProbe(a.agent);
  }
}

function checkSilence(ctx: WatchContext, link: NatsLink, a: AgentState, startedAt: number): void {
  const { recorder: rec, timings, clock } = ctx;
  if (rec.isOpen('agent-silent', a.agent)) return;
  const upSince = link.upSinceMs();
  if (upSince === null) return;
  const now = clock();
  // Silence counts from the last answer, but only over time our connection was up.
  const from = Math.max(a.lastAnswerMs ?? startedAt, upSince);
  if (now - from <= timings.silenceMs || a.lostSinceAnswer === 0) return;
  const since = a.lastAnswerMs === null ? 'no answer since the watch began' : `last answer ${new Date(a.lastAnswerMs).toISOString()}`;
  const ev = rec.open('agent-silent', a.agent, a.role, a.lastAnswerMs ?? startedAt, `${a.lostSinceAnswer} probes on ${a.subject} unanswered; ${since}`);
  rec.lostProbe(a.agent, a.lostSinceAnswer);
  if (ev) ctx.began({ ...ev, lostProbes: a.lostSinceAnswer });
}
