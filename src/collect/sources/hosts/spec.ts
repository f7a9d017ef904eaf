// The hosts source's spec, I/O-free (the workflow imports it through src/collect/budget.ts).
import type { Plan } from '../../../plan/schema';
import { commandBoundMs, connectBoundMs } from '../../hosts/ssh/limits';
import type { CollectionKind, SourceSpec } from '../../source';

/** Commands one host answers in a collection of `kind`, at most (collectHosts and collectAgentStatus). */
export function commandsPerHost(plan: Plan, kind: CollectionKind): number {
  const agents = plan.agents.underTest.length + plan.agents.control.length;
  // Per agent: systemctl show (+ its fallback for systemd < 251), /proc/PID/status, the journal
  // (+ a re-read by time when the cursor is gone). Per host: load, memory, disk, uptime, network,
  // and nvidia-smi at checkpoints only.
  return agents * 5 + 5 + (kind === 'checkpoint' ? 1 : 0);
}

/**
 * Worst case: every command of a host times out, queued through the host's channel cap (never
 * fewer rounds than the longest chain of dependent commands: show, its fallback, /proc), after a
 * connect and the one re-dial a collection allows; hosts beyond the global cap wait for a slot.
 */
export function hostsBudget(plan: Plan, kind: CollectionKind): number {
  if (kind === 'baseline') return 0;
  const s = plan.ssh;
  const rounds = Math.max(3, Math.ceil(commandsPerHost(plan, kind) / s.channelsPerHost));
  const perHost = 2 * connectBoundMs(s.connectTimeout) + rounds * commandBoundMs(s.commandTimeout);
  return Math.ceil(plan.hosts.length / s.maxConcurrentHosts) * perHost;
}

export const hostsSpec: SourceSpec<'hosts'> = {
  name: 'hosts',
  // Not at the baseline: T+0 is the probes' reference; the hosts are first read at the first tick.
  kinds: ['tick', 'checkpoint'],
  stage: 'beside',
  budget: hostsBudget,
};
