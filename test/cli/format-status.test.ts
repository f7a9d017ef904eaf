// The status as a person reads it in a terminal: the continuous watch's line says what it asked for,
// or loudly that it is not watching.
import { formatStatus } from '../../src/cli/format-status';
import { firstStatus } from '../../src/workflows/wave-input';
import { localPlan, tempDir } from '../helpers/wave-env';

const plan = localPlan(tempDir('format-status'));
const status = () => firstStatus({ plan, waveId: 'w1', startAtMs: Date.parse('2026-12-03T10:00:00Z'), timeScale: 1, policy: 'auto' });

test('the watch line: ticks asked for and coalesced, or why it is not watching', () => {
  const s = status();
  expect(formatStatus(s).split('\n')).toContain('watch: 0 ticks asked for');
  s.interim.watch = { ticksAsked: 1, ticksAskedCoalesced: 3, note: null };
  expect(formatStatus(s).split('\n')).toContain('watch: 1 tick asked for (3 more coalesced)');
  s.interim.watch.note = 'the watch failed: no NATS credentials file';
  expect(formatStatus(s).split('\n')).toContain('watch: NOT WATCHING between ticks — the watch failed: no NATS credentials file');
});
