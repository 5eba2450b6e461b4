import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { LayoutsModule } from '../layouts/layouts.module.js';
import { RolesModule } from '../roles/roles.module.js';
import { SchemaModule } from '../schema/schema.module.js';
import { TablesModule } from '../tables/tables.module.js';
import { WorkspaceModule } from '../workspace/workspace.module.js';
import { ConfigDocController } from './config-doc.controller.js';
import { ConfigDocService } from './config-doc.service.js';
import { TemplatesService } from './templates.service.js';

@Module({
  imports: [WorkspaceModule, SchemaModule, AccessModule, JobsModule, TablesModule, LayoutsModule, RolesModule],
  controllers: [ConfigDocController],
  providers: [ConfigDocService, TemplatesService],
})
export class ConfigDocModule {}
