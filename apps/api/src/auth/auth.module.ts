import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessModule } from '../access/access.module.js';
import { SchemaModule } from '../schema/schema.module.js';
import { WorkspaceModule } from '../workspace/workspace.module.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';

/** Sessions and the guard every route passes (unless @Public), registered globally here. */
@Module({
  imports: [WorkspaceModule, SchemaModule, AccessModule],
  controllers: [AuthController],
  providers: [AuthService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService],
})
export class AuthModule {}
