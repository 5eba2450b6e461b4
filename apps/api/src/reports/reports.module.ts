import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module.js';
import { SchemaModule } from '../schema/schema.module.js';
import { StoreModule } from '../store/store.module.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';

@Module({ imports: [SchemaModule, StoreModule, AccessModule], controllers: [ReportsController], providers: [ReportsService] })
export class ReportsModule {}
