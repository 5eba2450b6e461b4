/**
 * The API's composition root: one Nest module per feature (each exports what the features
 * above it use; apps/api/src/README.md lists the floors), and the database and
 * configuration, made before Nest (app.ts).
 */
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { AppConfig } from './common/config.js';
import { AllErrorsFilter } from './common/error-filter.js';
import type { Database } from './database/database.js';
import { DatabaseModule } from './database/database.module.js';
import { WorkspaceModule } from './workspace/workspace.module.js';
import { AuthModule } from './auth/auth.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { ComputedModule } from './computed/computed.module.js';
import { RecordsModule } from './records/records.module.js';
import { AttachmentsModule } from './attachments/attachments.module.js';
import { RolesModule } from './roles/roles.module.js';
import { UsersModule } from './users/users.module.js';
import { GroupsModule } from './groups/groups.module.js';
import { LayoutsModule } from './layouts/layouts.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { BackupModule } from './backup/backup.module.js';
import { HealthModule } from './health/health.module.js';
import { TablesModule } from './tables/tables.module.js';
import { ConfigDocModule } from './config-doc/config-doc.module.js';

@Module({})
export class AppModule {
  static forRoot(db: Database, config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot(db, config),
        HealthModule,
        WorkspaceModule,
        AuthModule,
        JobsModule,
        ComputedModule,
        RecordsModule,
        AttachmentsModule,
        UsersModule,
        RolesModule,
        GroupsModule,
        LayoutsModule,
        ReportsModule,
        BackupModule,
        TablesModule,
        ConfigDocModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllErrorsFilter }],
    };
  }
}
