import { Module } from '@nestjs/common';
import { SchemaModule } from '../schema/schema.module.js';
import { StoreModule } from '../store/store.module.js';
import { WorkspaceModule } from '../workspace/workspace.module.js';
import { AccessService } from './access.service.js';

@Module({ imports: [WorkspaceModule, SchemaModule, StoreModule], providers: [AccessService], exports: [AccessService] })
export class AccessModule {}
