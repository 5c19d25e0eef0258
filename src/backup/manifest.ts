import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `sqlite-file`: the database file itself (online backup API); `logical`: gzipped JSONL per table. */
export type BackupKind = 'sqlite-file' | 'logical';

export interface BackupFile {
  name: string;
  bytes: number;
  sha256: string;
}

/** `manifest.json` of a backup: what it holds and the checksum of every file. */
export interface BackupManifest {
  format: 'colony-backup';
  formatVersion: 1;
  id: string;
  createdAt: number;
  /** The database it was taken from (display only), and how. */
  database: string;
  kind: BackupKind;
  /** The schema migration version of the data: a restore refuses a version newer than it knows. */
  schemaVersion: number;
  colonyVersion: string;
  /** Rows per data table at the moment of the snapshot. */
  tables: Record<string, number>;
  files: BackupFile[];
}

export const manifestName = 'manifest.json';

/** SHA-256 and size of a file, streamed. */
export async function fileDigest(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { bytes: (await stat(path)).size, sha256: hash.digest('hex') };
}

export async function writeManifest(folder: string, manifest: BackupManifest): Promise<void> {
  await writeFile(join(folder, manifestName), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
}

/** Reads a manifest; throws when it is missing or not a Colony backup's. */
export async function readManifest(folder: string): Promise<BackupManifest> {
  const text = await readFile(join(folder, manifestName), 'utf8');
  const manifest = JSON.parse(text) as Partial<BackupManifest>;
  if (manifest.format !== 'colony-backup' || manifest.formatVersion !== 1 || !Array.isArray(manifest.files)) {
    throw new Error(`${join(folder, manifestName)} is not the manifest of a Colony backup (format 1)`);
  }
  return manifest as BackupManifest;
}
