import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(__dirname, '../fixtures/hosts');

export function fixture(...parts: string[]): string {
  return readFileSync(join(FIXTURES, ...parts), 'utf8');
}

/** The sections of a samples file: "### command" → the text after it (up to the next ###). */
export function sections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let cur: string | null = null;
  let buf: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('### ')) {
      if (cur !== null) out.set(cur, buf.join('\n'));
      cur = line.slice(4);
      buf = [];
    } else buf.push(line);
  }
  if (cur !== null) out.set(cur, buf.join('\n'));
  return out;
}

export function section(file: string, prefix: string): string {
  const s = sections(fixture('gpu-host', file));
  for (const [k, v] of s) if (k.startsWith(prefix)) return v;
  throw new Error(`no section "${prefix}" in ${file}`);
}
