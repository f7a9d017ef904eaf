// JSON as the files hold it: two-space indent, a final newline, and no NaN/Infinity (which
// JSON.stringify would silently turn into null — a reading must say why it is missing instead).
import type { ArtifactStore } from './store';

export function toJson(value: unknown): string {
  return `${JSON.stringify(
    value,
    (key, v) => {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`non-finite number at "${key}": use a null reading with a reason`);
      return v;
    },
    2,
  )}\n`;
}

export async function writeJson(store: ArtifactStore, path: string, value: unknown): Promise<void> {
  await store.write(path, toJson(value));
}

export async function readJson(store: ArtifactStore, path: string): Promise<unknown | null> {
  const text = await store.read(path);
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${store.locate(path)}: not valid JSON: ${(err as Error).message}`);
  }
}
