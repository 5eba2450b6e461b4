import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { SchemaModule } from '../schema/schema.module.js';
import { WorkspaceModule } from '../workspace/workspace.module.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

@Module({ imports: [WorkspaceModule, SchemaModule, AccessModule], controllers: [ReportsController], providers: [ReportsService] })
export class ReportsModule {}
