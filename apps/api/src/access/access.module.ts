import { Module } from '@nestjs/common';
import { SchemaModule } from '../schema/schema.module.js';
import { WorkspaceModule } from '../workspace/workspace.module.js';
import { AccessService } from './access.service.js';

@Module({ imports: [WorkspaceModule, SchemaModule], providers: [AccessService], exports: [AccessService] })
export class AccessModule {}
