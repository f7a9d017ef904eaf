// Where checkpoint files, reports and the alert log go. A small interface so that a store several
// workers on several machines share (an object store, a shared volume) can replace the local folder.
import { cp, mkdir, open, readFile, rename, readdir, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, posix, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';

//
// Contract for implementations (a shared store must keep it too):
// - `write` is the one way to write a file: whole-file, atomic (old or new content, never torn),
//   last writer wins. Writers are idempotent (same input → same bytes), so a retry is harmless.
// - `appendLine` adds one complete line; a crash may lose the line but never glue two lines
//   together. A retried append may repeat a line: lines carry ids and readers drop repeats.
// - `list` never shows a write in progress (temporary files).
export interface ArtifactStore {
  /** Writes the whole file atomically: readers see the old content or the new, never a torn file. */
  write(path: string, content: string | Uint8Array): Promise<void>;
  /** Appends one line (JSON lines logs); a retried append may repeat a line, so lines carry ids. */
  appendLine(path: string, line: string): Promise<void>;
  read(path: string): Promise<string | null>;
  exists(path: string): Promise<boolean>;
  /** Names (not paths) of the entries of a folder, sorted; [] when it does not exist. */
  list(dir: string): Promise<string[]>;
  /**
   * Moves a file or a folder; false when `from` does not exist. A folder merges into an existing
   * one at `to` (files there are replaced), so a move interrupted by a crash completes on retry.
   */
  move(from: string, to: string): Promise<boolean>;
  /** The absolute location, for people to open. */
  locate(path: string): string;
}

/** The local file system, rooted at a base folder (the worker's working directory by default). */
export class LocalArtifactStore implements ArtifactStore {
  readonly root: string;
  constructor(root = process.cwd()) {
    this.root = resolve(root);
  }

  locate(path: string): string {
    const full = resolve(this.root, path);
    // Plan paths may be absolute (operators choose them); relative ones must not climb out of the root.
    if (!path.startsWith('/') && full !== this.root && !full.startsWith(this.root + sep))
      throw new Error(`artifact path escapes the store: ${path}`);
    return full;
  }

  async write(path: string, content: string | Uint8Array): Promise<void> {
    const full = this.locate(path);
    const dir = dirname(full);
    await mkdir(dir, { recursive: true });
    const tmp = `${full}${TMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(content);
        await handle.sync(); // the rename must not publish a file whose bytes are still in flight
      } finally {
        await handle.close();
      }
      await rename(tmp, full);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    await syncDir(dir); // the rename itself survives a crash
  }

  async appendLine(path: string, line: string): Promise<void> {
    const full = this.locate(path);
    await mkdir(dirname(full), { recursive: true });
    const handle = await open(full, 'a+');
    try {
      // A crash mid-append can leave a last line without its newline: start on a fresh line then,
      // so the torn line stays one unreadable line and this one stays whole.
      const { size } = await handle.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      await handle.appendFile(`${prefix}${line.replace(/\n+$/, '')}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async read(path: string): Promise<string | null> {
    try {
      return await readFile(this.locate(path), 'utf8');
    } catch (err) {
      // ENOTDIR: a file stands where a folder of the path should be, so this file cannot exist either
      // (an alert log configured under a file is written nowhere; reading it must not fail the report).
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw err;
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      await stat(this.locate(path));
      return true;
    } catch {
      return false;
    }
  }

  async list(dir: string): Promise<string[]> {
    try {
      return (await readdir(this.locate(dir))).filter((n) => !n.includes(TMP_MARK)).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  async move(from: string, to: string): Promise<boolean> {
    const src = this.locate(from);
    const dst = this.locate(to);
    if (!(await this.exists(from))) return false;
    await mkdir(dirname(dst), { recursive: true });
    try {
      await rename(src, dst);
    } catch (err) {
      // Another file system (EXDEV), or a folder already there from an interrupted move: copy
      // over it, then remove the source (a crash in between leaves the source for the retry).
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EXDEV' && code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EISDIR') throw err;
      await cp(src, dst, { recursive: true, force: true });
      await rm(src, { recursive: true, force: true });
    }
    await syncDir(dirname(dst));
    return true;
  }
}

export const joinPath = join;

const TMP_MARK = '.tmp-';

async function syncDir(dir: string): Promise<void> {
  try {
    const h = await open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // some file systems refuse fsync on a directory; the rename is still atomic
  }
}

/** An in-memory store with the same contract: for tests, and a model for a shared store. */
export class MemoryArtifactStore implements ArtifactStore {
  readonly files = new Map<string, Buffer>();
  constructor(readonly root = '/memory') {}

  locate(path: string): string {
    const full = posix.resolve(this.root, path);
    if (!path.startsWith('/') && full !== this.root && !full.startsWith(`${this.root}/`)) throw new Error(`artifact path escapes the store: ${path}`);
    return full;
  }

  async write(path: string, content: string | Uint8Array): Promise<void> {
    this.files.set(this.locate(path), Buffer.from(typeof content === 'string' ? Buffer.from(content, 'utf8') : content));
  }

  async appendLine(path: string, line: string): Promise<void> {
    const full = this.locate(path);
    let cur = this.files.get(full)?.toString('utf8') ?? '';
    if (cur !== '' && !cur.endsWith('\n')) cur += '\n';
    this.files.set(full, Buffer.from(`${cur}${line.replace(/\n+$/, '')}\n`, 'utf8'));
  }

  async read(path: string): Promise<string | null> {
    return this.files.get(this.locate(path))?.toString('utf8') ?? null;
  }

  async exists(path: string): Promise<boolean> {
    const full = this.locate(path);
    return this.files.has(full) || [...this.files.keys()].some((k) => k.startsWith(`${full}/`));
  }

  async list(dir: string): Promise<string[]> {
    const full = this.locate(dir);
    const names = new Set<string>();
    for (const k of this.files.keys()) if (k.startsWith(`${full}/`)) names.add(k.slice(full.length + 1).split('/')[0]);
    return [...names].sort();
  }

  async move(from: string, to: string): Promise<boolean> {
    const src = this.locate(from);
    const dst = this.locate(to);
    let moved = false;
    for (const [k, v] of [...this.files]) {
      if (k !== src && !k.startsWith(`${src}/`)) continue;
      this.files.delete(k);
      this.files.set(dst + k.slice(src.length), v);
      moved = true;
    }
    return moved;
  }
}
