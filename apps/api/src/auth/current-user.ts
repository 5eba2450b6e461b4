/** The authenticated user of a request, set by the auth guard. */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

export interface CurrentUser {
  id: string;
  workspaceId: string;
  email: string;
  name: string;
  roles: string[];
  groups: string[];
  attributes: Record<string, unknown>;
  isAdmin: boolean;
  sessionId: string;
}

export const User = createParamDecorator((_data: unknown, ctx: ExecutionContext): CurrentUser => {
  return ctx.switchToHttp().getRequest<{ user: CurrentUser }>().user;
});
