import { Module } from '@nestjs/common';
import { WorkspaceModule } from '../workspace/workspace.module.js';
import { AuditLog } from './audit-log.js';
import { RecordStore } from './record-store.js';

@Module({ imports: [WorkspaceModule], providers: [RecordStore, AuditLog], exports: [RecordStore, AuditLog] })
export class StoreModule {}
