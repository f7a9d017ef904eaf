// History gets bounded notes and lists, however large the fleet; small ones pass unchanged.
import { compactList, compactNote, compactText, compactTrigger, NOTE_MAX } from '../../src/activities/compact';

const names = (n: number) => Array.from({ length: n }, (_, i) => `network-expert@dgx-${i + 1} cid ${i}→${i + 100}`);

test('a short note passes unchanged', () => {
  const note = names(3).join(', ');
  expect(compactText(note)).toBe(note);
  const withNote: { id: string; note?: string } = { id: 'x', note };
  const without: { id: string; note?: string } = { id: 'x' };
  expect(compactNote(withNote)).toEqual({ id: 'x', note });
  expect(compactNote(without)).toEqual({ id: 'x' });
});

test('a note naming 3,000 instances is cut at a separator, says how many were left out, and stays bounded', () => {
  const all = names(3000);
  const out = compactText(`not active: ${all.join(', ')}`);
  expect(out.length).toBeLessThan(NOTE_MAX + 80);
  expect(out).toMatch(/^not active: network-expert@dgx-1 cid 0→100, /);
  const kept = out.split(' … ')[0].split(', ').length;
  expect(out).toContain(`… and ${3000 - kept} more (in full in the checkpoint's files)`);
  // No name is cut in half: the last one kept is whole.
  expect(all).toContain(out.split(' … ')[0].split(', ').pop()!.replace(/^not active: /, ''));
});

test('a long text without separators is cut and says how much is missing', () => {
  const out = compactText('x'.repeat(2000));
  expect(out).toMatch(/^x{600} … 1400 more characters/);
});

test('a rollback trigger keeps its decision and gets bounded evidence', () => {
  const note = names(500).join('; ');
  const t = compactTrigger({
    rule: 'rollback-message-loss', title: 'Message loss', window: 'tick', plannedAction: 'rollback', action: 'rollback', evidence: `lost: ${note}`,
    result: { id: 'rollback-message-loss', title: 'Message loss', metric: 'probe.loss_count', op: '>', threshold: 0, window: 'tick', outcome: 'fail', value: 500, samples: 5000, note },
  });
  expect(t.action).toBe('rollback');
  expect(t.result.outcome).toBe('fail');
  expect(t.result.value).toBe(500);
  expect(t.evidence.length).toBeLessThan(NOTE_MAX + 80);
  expect(t.result.note!.length).toBeLessThan(NOTE_MAX + 80);
});

test('a list is cut to its first items with the count left out', () => {
  expect(compactList([1, 2, 3])).toEqual({ items: [1, 2, 3], omitted: 0 });
  const r = compactList(Array.from({ length: 3000 }, (_, i) => i));
  expect(r.items).toHaveLength(50);
  expect(r.omitted).toBe(2950);
});
