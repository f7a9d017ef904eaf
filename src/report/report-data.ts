// What the wave's documents are rendered from: the stored records, read by the activity that writes
// the reports (activities/write-reports.ts), so that rendering here stays text in, text out.
import type { AlertLogEntry } from '../artifacts/records/alerts';
import type { CheckpointRecord } from '../artifacts/records/checkpoint';
import type { MonitorSample } from '../artifacts/records/monitor';
import type { WaveRecord } from '../artifacts/records/wave';
import type { Plan } from '../plan/schema';

export interface ReportData {
  plan: Plan;
  wave: WaveRecord;
  /** false when wave.json was missing and the wave was rebuilt from the checkpoints and the alert log. */
  waveFromFile: boolean;
  /** Latest collection of each checkpoint, in plan order. */
  checkpoints: CheckpointRecord[];
  /** Re-collections on disk (beside their originals). */
  recollections: { checkpoint: string; collection: number; reason: string | null }[];
  samples: MonitorSample[];
  alertLog: AlertLogEntry[];
}

export interface ChartRef {
  id: string;
  title: string;
  caption: string;
  /** Store path of the SVG. */
  path: string;
}
