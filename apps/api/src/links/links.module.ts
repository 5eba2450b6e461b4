import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { SchemaModule } from '../schema/schema.module.js';
import { StoreModule } from '../store/store.module.js';
import { WorkspaceModule } from '../workspace/workspace.module.js';
import { LinkWriteService } from './link-write.service.js';
import { LinkService } from './link.service.js';

@Module({
  imports: [WorkspaceModule, SchemaModule, StoreModule, AccessModule],
  providers: [LinkService, LinkWriteService],
  exports: [LinkService, LinkWriteService],
})
export class LinksModule {}
