import { Module } from '@nestjs/common';
import { WorkspaceModule } from '../workspace/workspace.module.js';
import { RecordStore } from './record-store.js';

@Module({ imports: [WorkspaceModule], providers: [RecordStore], exports: [RecordStore] })
export class StoreModule {}
