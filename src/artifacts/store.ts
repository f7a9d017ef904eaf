// Where checkpoint files, reports and the alert log go. A small interface so that a store several
// workers on several machines share (an object store, a shared volume) can replace the local folder.
import { mkdir, open, readFile, rename, appendFile, readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface ArtifactStore {
  /** Writes the whole file atomically: readers see the old content or the new, never a torn file. */
  write(path: string, content: string | Uint8Array): Promise<void>;
  /** Appends one line (JSON lines logs); a retried append may repeat a line, so lines carry ids. */
  appendLine(path: string, line: string): Promise<void>;
  read(path: string): Promise<string | null>;
  exists(path: string): Promise<boolean>;
  list(dir: string): Promise<string[]>;
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
    await mkdir(dirname(full), { recursive: true });
    const tmp = `${full}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(content);
      await handle.sync(); // the rename must not publish a file whose bytes are still in flight
    } finally {
      await handle.close();
    }
    await rename(tmp, full);
  }

  async appendLine(path: string, line: string): Promise<void> {
    const full = this.locate(path);
    await mkdir(dirname(full), { recursive: true });
    await appendFile(full, line.endsWith('\n') ? line : `${line}\n`);
  }

  async read(path: string): Promise<string | null> {
    try {
      return await readFile(this.locate(path), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
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
      return (await readdir(this.locate(dir))).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }
}

export const joinPath = join;
