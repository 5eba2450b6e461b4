/**
 * The automatic daily snapshot of the embedded database (PGlite does not fsync, so a
 * recent copy is the safety net). Checks hourly; writes one when the newest is older than
 * a day. On a PostgreSQL server, backups are the server's business (pg_dump, PITR).
 */
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, DATABASE } from '../database/database.provider.js';
import type { Database } from '../database/database.js';
import type { AppConfig } from '../common/config.js';
import { listSnapshots, writeSnapshot } from './snapshot.js';

const DAY = 24 * 3600_000;

@Injectable()
export class SnapshotService implements OnApplicationShutdown {
  private readonly logger = new Logger('snapshots');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  start(): void {
    if (this.db.kind !== 'pglite' || !this.config.snapshots || this.config.dataDir.startsWith('memory://')) return;
    const tick = () => {
      if (this.running) return;
      const newest = listSnapshots(this.config.dataDir).at(-1);
      if (newest && Date.now() - newest.at.getTime() < DAY) return;
      this.running = this.now()
        .catch((e) => this.logger.error(`snapshot failed: ${(e as Error).message}`))
        .finally(() => (this.running = undefined));
    };
    setTimeout(tick, 60_000).unref();
    this.timer = setInterval(tick, 3600_000);
    this.timer.unref();
  }

  async now(): Promise<string> {
    const file = await writeSnapshot(this.db, this.config.dataDir, this.config.snapshotKeep);
    this.logger.log(`snapshot written: ${file}`);
    return file;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
