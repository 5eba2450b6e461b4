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
import { JobsService } from './jobs/jobs.service.js';
import { JobsController } from './jobs/jobs.controller.js';
import { ConvertFieldService } from './tables/convert-field.service.js';
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
import { LinkService } from './links/link.service.js';
import { LinkWriteService } from './links/link-write.service.js';
import { AutonumberService } from './records/autonumber.service.js';
import { ComputedController } from './computed/computed.controller.js';
import { ComputedService } from './computed/computed.service.js';
import { FormulaPreviewService } from './computed/formula-preview.service.js';
import { RatesService } from './computed/rates.service.js';
import { WorkspaceController } from './workspace/workspace.controller.js';
import { LayoutsController } from './layouts/layouts.controller.js';
import { LayoutsService } from './layouts/layouts.service.js';
import { ViewsService } from './layouts/views.service.js';
import { UsersController } from './users/users.controller.js';
import { UsersService } from './users/users.service.js';
import { RolesController } from './roles/roles.controller.js';
import { RolesService } from './roles/roles.service.js';
import { GroupsController } from './groups/groups.controller.js';
import { GroupsService } from './groups/groups.service.js';
import { AttachmentsController } from './attachments/attachments.controller.js';
import { AttachmentsService } from './attachments/attachments.service.js';
import { AttachmentRefs } from './attachments/attachment-refs.service.js';
import { AttachmentStorage } from './attachments/attachment-storage.js';
import { ConfigDocController } from './config-doc/config-doc.controller.js';
import { ReportsController } from './reports/reports.controller.js';
import { AttachmentGc } from './attachments/attachment-gc.service.js';
import { ReportsService } from './reports/reports.service.js';
import { ConfigDocService } from './config-doc/config-doc.service.js';
import { TemplatesService } from './config-doc/templates.service.js';

@Module({})
export class AppModule {
  static forRoot(db: Database, config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      controllers: [HealthController, WorkspaceController, AuthController, TablesController, RecordsController, LayoutsController, ComputedController, BackupController, UsersController, RolesController, GroupsController, AttachmentsController, JobsController, ConfigDocController, ReportsController],
      providers: [
        ReportsService,
        AttachmentGc,
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
        JobsService,
        ConvertFieldService,
        RecordsReadService,
        RecordsWriteService,
        HistoryService,
        LayoutsService,
        ViewsService,
        ComputedService,
        FormulaPreviewService,
        RatesService,
        LinkService,
        LinkWriteService,
        AutonumberService,
        SnapshotService,
        UsersService,
        RolesService,
        GroupsService,
        AttachmentStorage,
        AttachmentRefs,
        AttachmentsService,
        ConfigDocService,
        TemplatesService,
      ],
    };
  }
}
