/**
 * The blob store of attachments: files on disk named by the SHA-256 of their content,
 * `<dir>/ab/cd/abcd…` (two levels of 256 folders keep directories small). Equal files are
 * stored once.
 *
 * Invariants:
 * - a path is built only from a hash this process computed (64 hex digits, checked);
 *   names given by clients never reach the file system;
 * - a blob appears whole or not at all: an upload streams into `<dir>/tmp/<random>`
 *   (same file system), is flushed to disk and renamed into place (atomic);
 * - blobs are never rewritten or deleted here; those no attachment row references can be
 *   collected by a later job (docs/attachments.md).
 *
 * With an in-memory database the folder is a temp folder of its own, removed on close.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync, statSync, type ReadStream } from 'node:fs';
import { mkdir, open, rename, stat, unlink, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '../database/database.provider.js';
import type { AppConfig } from '../common/config.js';

const SHA256_RE = /^[0-9a-f]{64}$/;
/** Leftovers of interrupted uploads older than this are removed at start. */
const STALE_TMP_MS = 24 * 3600 * 1000;
/** Bytes kept from the start of each upload for text sniffing. */
export const HEAD_BYTES = 8192;

export interface ReceivedBlob {
  /** Temp file holding the bytes until commit. */
  tmp: string;
  sha256: string;
  size: number;
  /** The first HEAD_BYTES bytes. */
  head: Buffer;
}

const logger = new Logger('attachments');

@Injectable()
export class AttachmentStorage implements OnModuleInit, OnApplicationShutdown {
  readonly dir: string;
  private readonly tmpDir: string;
  private readonly ephemeral: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.dir = config.attachmentsDir;
    this.tmpDir = join(this.dir, 'tmp');
    this.ephemeral =
      config.dataDir.startsWith('memory://') && dirname(this.dir) === tmpdir() && basename(this.dir).startsWith('tabula-attachments-');
  }

  onModuleInit(): void {
    mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
    const now = Date.now();
    for (const f of readdirSync(this.tmpDir)) {
      const p = join(this.tmpDir, f);
      try {
        if (now - statSync(p).mtimeMs > STALE_TMP_MS) rmSync(p, { force: true });
      } catch {
        /* another process took it */
      }
    }
  }

  onApplicationShutdown(): void {
    if (this.ephemeral) rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * Streams an upload into a temp file, hashing and counting as it goes. The caller owns
   * the temp file: `commit` or `discard` it.
   */
  async receive(stream: Readable): Promise<ReceivedBlob> {
    const tmp = join(this.tmpDir, randomUUID());
    const hash = createHash('sha256');
    let size = 0;
    const headChunks: Buffer[] = [];
    let headSize = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        if (headSize < HEAD_BYTES) {
          headChunks.push(chunk.subarray(0, HEAD_BYTES - headSize));
          headSize += Math.min(chunk.length, HEAD_BYTES - headSize);
        }
        done(null, chunk);
      },
    });
    try {
      await pipeline(stream, tap, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
    } catch (e) {
      await this.discard(tmp);
      throw e;
    }
    return { tmp, sha256: hash.digest('hex'), size, head: Buffer.concat(headChunks) };
  }

  /** Moves a received file into place under its hash; an existing equal blob is kept. */
  async commit(blob: ReceivedBlob): Promise<void> {
    const dest = this.blobPath(blob.sha256);
    if (await exists(dest)) {
      // touched, so that the collector (attachment-gc.service.ts) leaves it to the new row
      const now = new Date();
      await utimes(dest, now, now);
      await this.discard(blob.tmp);
      return;
    }
    const fh = await open(blob.tmp, 'r+');
    try {
      await fh.sync(); // the bytes are on disk before the name is
    } finally {
      await fh.close();
    }
    await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
    await rename(blob.tmp, dest);
  }

  async discard(tmp: string): Promise<void> {
    await unlink(tmp).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') logger.warn(`could not remove ${tmp}: ${e.message}`);
    });
  }

  /** A stored blob's bytes, or undefined when the file is missing (logged: the store lost it). */
  async open(sha256: string): Promise<ReadStream | undefined> {
    const path = this.blobPath(sha256);
    if (!(await exists(path))) {
      logger.error(`attachment blob ${sha256} is missing from ${this.dir}`);
      return undefined;
    }
    return createReadStream(path);
  }

  blobPath(sha256: string): string {
    if (!SHA256_RE.test(sha256)) throw new Error('invalid blob hash');
    return join(this.dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
