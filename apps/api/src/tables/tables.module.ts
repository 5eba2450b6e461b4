import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { ComputedModule } from '../computed/computed.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { LinksModule } from '../links/links.module.js';
import { RecordsModule } from '../records/records.module.js';
import { RolesModule } from '../roles/roles.module.js';
import { SchemaModule } from '../schema/schema.module.js';
import { StoreModule } from '../store/store.module.js';
import { WorkspaceModule } from '../workspace/workspace.module.js';
import { ConvertFieldService } from './convert-field.service.js';
import { TablesController } from './tables.controller.js';
import { TablesService } from './tables.service.js';

@Module({
  imports: [WorkspaceModule, SchemaModule, StoreModule, AccessModule, JobsModule, LinksModule, ComputedModule, RecordsModule, RolesModule],
  controllers: [TablesController],
  providers: [TablesService, ConvertFieldService],
  exports: [TablesService],
})
export class TablesModule {}
