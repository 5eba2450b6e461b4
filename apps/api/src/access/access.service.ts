/**
 * The gate every record path passes: which rows a user may touch (a filter tree compiled
 * into the same SQL as user filters) and which fields they may read and write.
 *
 * v1 of the foundation: administrators manage the schema; every signed-in user reads and
 * writes records; Viewers only read. Issue #5 replaces the body of these methods with the
 * compiled role rules; callers already pass through here on every path.
 */
import { Injectable } from '@nestjs/common';
import { DomainError, type FieldMeta, type TableMeta } from '@tabula/schema-engine';
import type { CurrentUser } from '../auth/current-user.js';
import type { Sql } from '../database/database.js';

/** A record as it is or would be stored: what a write is checked against. */
export interface RowImage {
  id: string;
  data: Record<string, unknown>;
  owner_id: string | null;
}

export type RecordAction = 'read' | 'create' | 'update' | 'delete' | 'export';

export interface Access {
  /** Row scope as a filter tree, or undefined for every row. */
  scope: unknown;
  canRead(field: FieldMeta): boolean;
  canWrite(field: FieldMeta): boolean;
}

const ALL: Access = { scope: undefined, canRead: () => true, canWrite: () => true };

@Injectable()
export class AccessService {
  /** The access of a user to a table for an action; FORBIDDEN when the action is not allowed at all. */
  forTable(user: CurrentUser, _table: TableMeta, action: RecordAction): Access {
    if (action !== 'read' && action !== 'export' && !user.isAdmin && user.roles.length > 0 && user.roles.every((r) => r === 'Viewer')) {
      throw new DomainError('FORBIDDEN', 'Your role may only read records');
    }
    return ALL;
  }

  /**
   * Checks records as they would become against the action's row scope, through the same
   * compiled SQL as reads (never CASL in memory). FORBIDDEN names nothing of other rows;
   * a batch with one forbidden row is refused whole.
   */
  async assertRowsAllowed(_sql: Sql, _user: CurrentUser, _table: TableMeta, _action: RecordAction, _rows: RowImage[]): Promise<void> {
    // foundation: no row rules yet (issue #5)
  }

  /** Schema, users and settings are for administrators. */
  requireAdmin(user: CurrentUser): void {
    if (!user.isAdmin) throw new DomainError('FORBIDDEN', 'Only an administrator may change the configuration');
  }
}
