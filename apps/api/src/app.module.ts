/** The API's module graph. The Database and config are created before Nest (see app.ts). */
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { AppConfig } from './config.js';
import type { Database } from './database/database.js';
import { APP_CONFIG, DATABASE } from './database/database.provider.js';
import { AccessService } from './access/access.service.js';
import { AuthController } from './auth/auth.controller.js';
import { AuthGuard } from './auth/auth.guard.js';
import { AuthService } from './auth/auth.service.js';
import { AllErrorsFilter } from './common/error-filter.js';
import { HealthController } from './health/health.controller.js';
import { IndexAdvisor } from './jobs/index-advisor.service.js';
import { HistoryService } from './records/history.service.js';
import { RecordsController } from './records/records.controller.js';
import { RecordsReadService } from './records/records-read.service.js';
import { RecordsWriteService } from './records/records-write.service.js';
import { SchemaService } from './tables/schema.service.js';
import { TablesController } from './tables/tables.controller.js';
import { TablesService } from './tables/tables.service.js';
import { WorkspaceService } from './workspace/workspace.service.js';
import { BackupController } from './backup/backup.controller.js';
import { SnapshotService } from './backup/snapshot.service.js';
import { LayoutsController } from './layouts/layouts.controller.js';
import { LayoutsService } from './layouts/layouts.service.js';

@Module({})
export class AppModule {
  static forRoot(db: Database, config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      controllers: [HealthController, AuthController, TablesController, RecordsController, LayoutsController, BackupController],
      providers: [
        { provide: DATABASE, useValue: db },
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: AllErrorsFilter },
        WorkspaceService,
        AuthService,
        AccessService,
        SchemaService,
        TablesService,
        IndexAdvisor,
        RecordsReadService,
        RecordsWriteService,
        HistoryService,
        LayoutsService,
        SnapshotService,
      ],
    };
  }
}
