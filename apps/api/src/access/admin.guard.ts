/**
 * `@AdminOnly()`: the route is for those who may manage settings. A guard, not a call in
 * the handler, so that it runs before the input layer checks the body: whoever may not use
 * a route learns that (403), not what its body should look like.
 */
import { Injectable, UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AccessService } from './access.service.js';
import type { CurrentUser } from './current-user.js';

@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly access: AccessService) {}

  canActivate(ctx: ExecutionContext): boolean {
    this.access.requireAdmin(ctx.switchToHttp().getRequest<{ user: CurrentUser }>().user);
    return true;
  }
}

export const AdminOnly = (): MethodDecorator & ClassDecorator => UseGuards(AdminGuard);
