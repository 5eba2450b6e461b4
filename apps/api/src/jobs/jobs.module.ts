import { Module } from '@nestjs/common';
import { WorkspaceModule } from '../workspace/workspace.module.js';
import { IndexAdvisor } from './index-advisor.service.js';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';

@Module({
  imports: [WorkspaceModule],
  controllers: [JobsController],
  providers: [JobsService, IndexAdvisor],
  exports: [JobsService, IndexAdvisor],
})
export class JobsModule {}
