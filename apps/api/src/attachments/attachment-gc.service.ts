/**
 * The blob collector: removes stored files that no attachment row names any more. Rows are
 * kept when a file is taken off a record (restoring a past version brings it back), so a
 * blob becomes garbage only when its rows go — with their field or table (cascade). Runs a
 * minute after start and then daily, and on demand (POST /api/admin/attachments/gc).
 *
 * Safe against a concurrent upload of the same content: an upload that reuses an existing
 * blob touches it first (AttachmentStorage.commit), and the collector removes only blobs
 * untouched for the grace period, checking the time again just before it unlinks.
 */
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DATABASE } from '../database/database.provider.js';
import type { Database } from '../database/database.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { AttachmentStorage } from './attachment-storage.js';

export const GC_GRACE_MS = 60 * 60 * 1000;
const FIRST_RUN_MS = 60 * 1000;
const EVERY_MS = 24 * 60 * 60 * 1000;
const HEX2 = /^[0-9a-f]{2}$/;
const SHA256 = /^[0-9a-f]{64}$/;

export interface GcResult {
  /** Blobs looked at. */
  scanned: number;
  removed: number;
  bytesFreed: number;
}

const logger = new Logger('AttachmentGc');

@Injectable()
export class AttachmentGc implements OnModuleInit, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<GcResult> | undefined;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
    private readonly storage: AttachmentStorage,
  ) {}

  onModuleInit(): void {
    const tick = (delay: number) => {
      this.timer = setTimeout(() => {
        this.collect()
          .catch((e) => logger.warn(`blob collection failed: ${(e as Error).message}`))
          .finally(() => tick(EVERY_MS));
      }, delay);
      this.timer.unref();
    };
    tick(FIRST_RUN_MS);
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }

  /** One pass; a second call while one runs joins it. */
  collect(graceMs = GC_GRACE_MS): Promise<GcResult> {
    this.running ??= this.pass(graceMs).finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(graceMs: number): Promise<GcResult> {
    const result: GcResult = { scanned: 0, removed: 0, bytesFreed: 0 };
    const cutoff = () => Date.now() - graceMs;
    for (const a of await dirs(this.storage.dir)) {
      for (const b of await dirs(join(this.storage.dir, a))) {
        const names = (await readdir(join(this.storage.dir, a, b)).catch(() => [] as string[])).filter((n) => SHA256.test(n));
        if (!names.length) continue;
        result.scanned += names.length;
        const old: { sha: string; mtime: number; size: number }[] = [];
        for (const sha of names) {
          const s = await stat(this.storage.blobPath(sha)).catch(() => undefined);
          if (s && s.mtimeMs < cutoff()) old.push({ sha, mtime: s.mtimeMs, size: s.size });
        }
        if (!old.length) continue;
        const named = new Set(
          (
            await this.db.query<{ sha256: string }>(
              `SELECT DISTINCT sha256 FROM attachment WHERE workspace_id = $1 AND sha256 = ANY($2::text[])`,
              [this.ws.id, old.map((o) => o.sha)],
            )
          ).map((r) => r.sha256),
        );
        for (const o of old) {
          if (named.has(o.sha)) continue;
          const path = this.storage.blobPath(o.sha);
          const again = await stat(path).catch(() => undefined);
          if (!again || again.mtimeMs !== o.mtime) continue; // reused meanwhile
          await unlink(path).catch(() => undefined);
          result.removed++;
          result.bytesFreed += o.size;
        }
      }
    }
    if (result.removed) logger.log(`removed ${result.removed} unreferenced attachment blobs (${result.bytesFreed} bytes)`);
    return result;
  }
}

async function dirs(path: string): Promise<string[]> {
  return (await readdir(path).catch(() => [] as string[])).filter((n) => HEX2.test(n));
}
