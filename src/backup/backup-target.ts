import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { manifestName } from './manifest.js';

/**
 * Where backups live. Each backup is a folder of files plus `manifest.json`; a target stages a new
 * one and commits it whole, so a crash mid-backup leaves no half backup in `list()`. The filesystem
 * target is the default; object stores implement the same four calls.
 */
export interface BackupTarget {
  readonly location: string;
  /** A new empty local folder to write backup `id` into. */
  stage(id: string): Promise<string>;
  /** Publishes a staged backup (atomically where the store allows). */
  commit(id: string): Promise<void>;
  /** Drops a staged backup after a failure. */
  discard(id: string): Promise<void>;
  /** Committed backup ids, oldest first. */
  list(): Promise<string[]>;
  /** A local folder holding the committed backup `id`. */
  open(id: string): Promise<string>;
}

/** Backups as folders under `root` (default `<dataDir>/backups`), staged in `root/.staging`. */
export function filesystemTarget(root: string): BackupTarget {
  const location = resolve(root);
  const staging = join(location, '.staging');
  return {
    location,
    async stage(id) {
      const folder = join(staging, id);
      await mkdir(folder, { recursive: true, mode: 0o700 });
      return folder;
    },
    async commit(id) {
      await rename(join(staging, id), join(location, id));
    },
    async discard(id) {
      await rm(join(staging, id), { recursive: true, force: true });
    },
    async list() {
      const entries = await readdir(location, { withFileTypes: true }).catch(() => []);
      const ids: string[] = [];
      for (const entry of entries) {
        if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
        const found = await stat(join(location, entry.name, manifestName)).catch(() => null);
        if (found) ids.push(entry.name);
      }
      return ids.sort();
    },
    async open(id) {
      if (!/^[A-Za-z0-9._-]{1,100}$/.test(id) || id.startsWith('.'))
        throw new Error(`not a backup id: ${id}`);
      return join(location, id);
    },
  };
}

/** `bkp-20261203T101500Z-3fa2`: sorts by time, unique across processes. */
export function newBackupId(now: number): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `bkp-${stamp}-${randomBytes(2).toString('hex')}`;
}
