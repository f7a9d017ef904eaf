// Hosts over SSH: agent status, process memory, journal errors since the cursor, system resources.
// Carries the journal cursors, so the next collection reads from where this one stopped.
import { collectHosts } from '../../hosts/collect';
import { cursorKey } from '../../../model/instance';
import type { SshPool } from '../../hosts/ssh-pool';
import type { Source } from '../../source';
import { hostsSpec } from './spec';

export function hostsSource(pool: SshPool): Source<'hosts'> {
  return {
    ...hostsSpec,
    async collect(plan, ctx) {
      const result = await collectHosts(pool, plan, {
        sinceMs: ctx.sinceMs,
        cursors: ctx.carry.cursors,
        // GPU details at checkpoints only: a tick's budget is for what the alert rules read.
        gpus: ctx.kind === 'checkpoint',
        signal: ctx.signal,
        onProgress: (done, total) => ctx.progress(`hosts ${done}/${total}`),
      });
      const cursors = { ...ctx.carry.cursors };
      for (const e of result.errors) if (e.cursor) cursors[cursorKey(e.host, e.agent)] = e.cursor;
      return { result, carry: { cursors } };
    },
  };
}
