/**
 * Local adapters: a folder stands in for each bucket (DESIGN.md local mode: "a folder for S3"), a
 * key file for Secrets Manager. Used by `npm run pipeline:local` and the pipeline tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type Dirent } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { finished } from 'node:stream/promises';
import type { ObjectStore, PseudonymKeySource, StoredObject, WriteResult } from './ports';

/** Where a bucket's keys live: keys under `prefix` map to files under `dir`. */
export interface FolderMount {
  readonly bucket: string;
  readonly prefix: string;
  readonly dir: string;
}

export class LocalFolderStore implements ObjectStore {
  constructor(private readonly mounts: readonly FolderMount[]) {}

  #resolve(bucket: string, key: string): string {
    const mount = this.mounts
      .filter((m) => m.bucket === bucket && key.startsWith(m.prefix))
      .sort((a, b) => b.prefix.length - a.prefix.length)[0];
    if (!mount) throw new Error(`No local folder for s3://${bucket}/${key}`);
    const rel = key.slice(mount.prefix.length);
    const file = path.resolve(mount.dir, rel);
    // A key must never escape its folder ("../").
    if (file !== path.resolve(mount.dir) && !file.startsWith(path.resolve(mount.dir) + path.sep))
      throw new Error(`Key escapes its folder: ${key}`);
    return file;
  }

  async *read(bucket: string, key: string): AsyncIterable<Uint8Array> {
    for await (const chunk of createReadStream(this.#resolve(bucket, key), { highWaterMark: 1 << 20 }))
      yield chunk as Buffer;
  }

  async write(
    bucket: string,
    key: string,
    body: AsyncIterable<string | Uint8Array> | string,
  ): Promise<WriteResult> {
    const file = this.#resolve(bucket, key);
    await mkdir(path.dirname(file), { recursive: true });
    const hash = createHash('sha256');
    let bytes = 0;
    const out = createWriteStream(`${file}.partial`);
    const chunks = typeof body === 'string' ? [body] : body;
    try {
      for await (const chunk of chunks) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        hash.update(buf);
        bytes += buf.length;
        if (!out.write(buf)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
      out.end();
      await finished(out);
    } catch (error) {
      // As S3's AbortMultipartUpload: a failed write leaves nothing behind.
      out.destroy();
      await rm(`${file}.partial`, { force: true });
      throw error;
    }
    // Rename last: a reader never sees half a file (S3 gives the same guarantee).
    await rename(`${file}.partial`, file);
    return { bytes, sha256: hash.digest('hex') };
  }

  async *list(bucket: string, prefix: string): AsyncIterable<StoredObject> {
    const mounts = this.mounts.filter((m) => m.bucket === bucket);
    const found: StoredObject[] = [];
    for (const mount of mounts) {
      for (const file of await walkFiles(mount.dir)) {
        if (file.endsWith('.partial')) continue;
        const key = mount.prefix + path.relative(mount.dir, file).split(path.sep).join('/');
        if (key.startsWith(prefix)) found.push({ key, size: (await stat(file)).size });
      }
    }
    found.sort((a, b) => (a.key < b.key ? -1 : 1));
    yield* found;
  }

  async deletePrefix(bucket: string, prefix: string): Promise<number> {
    const keys: string[] = [];
    for await (const o of this.list(bucket, prefix)) keys.push(o.key);
    await this.delete(bucket, keys);
    return keys.length;
  }

  async delete(bucket: string, keys: readonly string[]): Promise<void> {
    for (const key of keys) await rm(this.#resolve(bucket, key), { force: true });
  }
}

async function walkFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walkFiles(full)));
    else if (e.isFile()) out.push(full);
  }
  return out;
}

/**
 * A key file (created with 64 random bytes, mode 0600, when missing), outside any output folder.
 * Keeping the same file keeps pseudonyms stable across local runs, as Secrets Manager does in AWS.
 */
export class LocalKeyFile implements PseudonymKeySource {
  constructor(private readonly file: string) {}

  async getKey(): Promise<string> {
    try {
      return (await readFile(this.file, 'utf8')).trim();
    } catch {
      await mkdir(path.dirname(this.file), { recursive: true });
      const key = randomBytes(64).toString('base64url');
      await writeFile(this.file, key, { mode: 0o600 });
      await chmod(this.file, 0o600);
      return key;
    }
  }
}

/** A fixed key (tests). */
export class StaticKeySource implements PseudonymKeySource {
  constructor(private readonly key: string) {}
  async getKey(): Promise<string> {
    return this.key;
  }
}
