/** The authenticated user of a request, set by the auth guard. */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { StoredRule } from '@tabula/schema-engine';

export interface CurrentUser {
  id: string;
  workspaceId: string;
  email: string;
  name: string;
  /** Role names. */
  roles: string[];
  /** Group ids. */
  groups: string[];
  groupNames: string[];
  attributes: Record<string, unknown>;
  /** The rules of all the user's roles, in stored form, loaded with the session on every request. */
  rules: StoredRule[];
  /** May manage settings (rule-based: `manage settings` or `manage all`, and no `cannot`). */
  isAdmin: boolean;
  sessionId: string;
}

export const User = createParamDecorator((_data: unknown, ctx: ExecutionContext): CurrentUser => {
  return ctx.switchToHttp().getRequest<{ user: CurrentUser }>().user;
});
