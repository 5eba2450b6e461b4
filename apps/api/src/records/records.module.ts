import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { ComputedModule } from '../computed/computed.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { LinksModule } from '../links/links.module.js';
import { SchemaModule } from '../schema/schema.module.js';
import { StoreModule } from '../store/store.module.js';
import { WorkspaceModule } from '../workspace/workspace.module.js';
import { AttachmentRefs } from './attachment-refs.service.js';
import { AutonumberService } from './autonumber.service.js';
import { HistoryService } from './history.service.js';
import { RecordsReadService } from './records-read.service.js';
import { RecordsWriteService } from './records-write.service.js';
import { RecordsController } from './records.controller.js';

@Module({
  imports: [WorkspaceModule, SchemaModule, StoreModule, AccessModule, JobsModule, LinksModule, ComputedModule],
  controllers: [RecordsController],
  providers: [RecordsReadService, RecordsWriteService, HistoryService, AutonumberService, AttachmentRefs],
  exports: [RecordsReadService, RecordsWriteService, AutonumberService, AttachmentRefs],
})
export class RecordsModule {}
