import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { BackupController } from './backup.controller.js';
import { SnapshotService } from './snapshot.service.js';

@Module({ imports: [AccessModule], controllers: [BackupController], providers: [SnapshotService] })
export class BackupModule {}
