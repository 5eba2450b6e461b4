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
  /**
   * The rules of all the user's roles, in stored form: read with the session, or taken from
   * the process's cache while the workspace's rights version is the one they were read at.
   */
  rules: StoredRule[];
  /** May manage settings (rule-based: `manage settings` or `manage all`, and no `cannot`). */
  isAdmin: boolean;
  sessionId: string;
  /**
   * The workspace's schema version read in the same statement as the session, at the start
   * of the request: a schema cache at least this new needs no second look (SchemaService).
   */
  schemaVersion?: bigint;
  /**
   * Rights compiled for this user (per table object, action and time zone), shared by the
   * requests of one session while the rights version holds; a schema reload makes new table
   * objects, so nothing compiled against an old schema is found again (AccessService).
   */
  compiled?: WeakMap<object, Map<string, unknown>>;
}

export const User = createParamDecorator((_data: unknown, ctx: ExecutionContext): CurrentUser => {
  return ctx.switchToHttp().getRequest<{ user: CurrentUser }>().user;
});
