import { Module } from '@nestjs/common';
import { WorkspaceModule } from '../workspace/workspace.module.js';
import { SchemaService } from './schema.service.js';

@Module({ imports: [WorkspaceModule], providers: [SchemaService], exports: [SchemaService] })
export class SchemaModule {}
