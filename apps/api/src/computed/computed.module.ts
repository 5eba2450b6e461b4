import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { JobsModule } from '../jobs/jobs.module.js';
import { SchemaModule } from '../schema/schema.module.js';
import { StoreModule } from '../store/store.module.js';
import { WorkspaceModule } from '../workspace/workspace.module.js';
import { ComputedController } from './computed.controller.js';
import { ComputedService } from './computed.service.js';
import { FormulaPreviewService } from './formula-preview.service.js';
import { ComputedPlans } from './plans.js';
import { Propagation } from './propagation.js';
import { RatesService } from './rates.service.js';
import { RecomputeJob } from './recompute-job.js';

@Module({
  imports: [WorkspaceModule, SchemaModule, StoreModule, AccessModule, JobsModule],
  controllers: [ComputedController],
  providers: [ComputedService, ComputedPlans, Propagation, RecomputeJob, FormulaPreviewService, RatesService],
  exports: [ComputedService],
})
export class ComputedModule {}
