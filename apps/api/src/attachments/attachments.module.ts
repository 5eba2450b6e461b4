import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { RecordsModule } from '../records/records.module.js';
import { SchemaModule } from '../schema/schema.module.js';
import { StoreModule } from '../store/store.module.js';
import { WorkspaceModule } from '../workspace/workspace.module.js';
import { AttachmentGc } from './attachment-gc.service.js';
import { AttachmentStorage } from './attachment-storage.js';
import { AttachmentsController } from './attachments.controller.js';
import { AttachmentsService } from './attachments.service.js';

@Module({
  imports: [WorkspaceModule, SchemaModule, StoreModule, AccessModule, RecordsModule],
  controllers: [AttachmentsController],
  providers: [AttachmentsService, AttachmentStorage, AttachmentGc],
})
export class AttachmentsModule {}
