import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { SchemaModule } from '../schema/schema.module.js';
import { WorkspaceModule } from '../workspace/workspace.module.js';
import { LayoutsController } from './layouts.controller.js';
import { LayoutsService } from './layouts.service.js';
import { ViewsService } from './views.service.js';

@Module({
  imports: [WorkspaceModule, SchemaModule, AccessModule],
  controllers: [LayoutsController],
  providers: [LayoutsService, ViewsService],
  exports: [LayoutsService, ViewsService],
})
export class LayoutsModule {}
