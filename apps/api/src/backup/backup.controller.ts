import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { DomainError } from '@tabula/schema-engine';
import { AccessService } from '../access/access.service.js';
import { User, type CurrentUser } from '../access/current-user.js';
import { APP_CONFIG, DATABASE } from '../database/database.provider.js';
import type { Database } from '../database/database.js';
import type { AppConfig } from '../common/config.js';
import { listSnapshots } from './snapshot.js';
import { SnapshotService } from './snapshot.service.js';

@Controller('admin/snapshots')
export class BackupController {
  constructor(
    private readonly snapshots: SnapshotService,
    private readonly access: AccessService,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  list(@User() user: CurrentUser) {
    this.access.requireAdmin(user);
    return { items: listSnapshots(this.config.dataDir).map((s) => ({ file: s.file, at: s.at.toISOString(), size: s.size })) };
  }

  @Post()
  @HttpCode(201)
  async create(@User() user: CurrentUser) {
    this.access.requireAdmin(user);
    if (this.db.kind !== 'pglite' || this.config.dataDir.startsWith('memory://')) {
      throw new DomainError('UNPROCESSABLE', 'Snapshots are for the embedded database; back up a PostgreSQL server with pg_dump');
    }
    return { file: await this.snapshots.now() };
  }
}
