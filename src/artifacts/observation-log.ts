// The wave's memory outside workflow history (the claim check): every collection's judge
// observation, the carry for the next collection and a monitor sample, one JSON line each in
// `<output.dir>/waves/<waveId>/observations.jsonl` (one log per wave: a seq numbers one wave's
// collections, and a wave must never continue from another's cursor). Collections are numbered by the workflow (seq); a retried
// collection appends again under the same seq and the last line wins, so nothing counts twice.
import type { Observation } from '../judge/observations';
import type { Carry } from '../collect/wave-collection';
import type { ArtifactStore } from './store';
import type { MonitorSample } from './records/monitor';
import type { UnitCounters } from '../observe/previous';

export interface LogEntry {
  seq: number;
  observation: Observation;
  carry: Carry;
  sample: MonitorSample | null;
  /** Per agent instance, the CPU counter of this collection: the next one turns it into CPU %. */
  cpu?: UnitCounters;
}

export class ObservationLog {
  constructor(
    private readonly store: ArtifactStore,
    private readonly dir: string,
  ) {}

  private get path(): string {
    return `${this.dir}/observations.jsonl`;
  }

  async append(entry: LogEntry): Promise<void> {
    await this.store.appendLine(this.path, JSON.stringify(entry));
  }

  /** Every entry, one per seq (the last written wins), in seq order; torn lines are skipped. */
  async entries(upToSeq = Infinity): Promise<LogEntry[]> {
    const text = (await this.store.read(this.path)) ?? '';
    const bySeq = new Map<number, LogEntry>();
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const e = JSON.parse(line) as LogEntry;
        if (typeof e.seq === 'number' && e.seq <= upToSeq) bySeq.set(e.seq, e);
      } catch {
        /* a line torn by a crash: the retried collection wrote it again */
      }
    }
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  /** The entry just before `seq` (what the next collection continues from), or null. */
  async before(seq: number): Promise<LogEntry | null> {
    const all = await this.entries(seq - 1);
    return all.length ? all[all.length - 1] : null;
  }
}
