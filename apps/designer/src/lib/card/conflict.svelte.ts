/**
 * Stale edits: when a PATCH answers 409 VERSION_CONFLICT, the user sees the other
 * person's values beside their own and chooses per field; nothing is overwritten without
 * that choice. `saveWithConflicts` wraps a PATCH and resolves to the saved record, or to
 * the current record when the user kept the other values.
 */
import { ApiError } from '../api/client';
import { recordsApi } from '../api/records';
import type { RecordT, Table } from '../api/types';

export interface ConflictRequest {
  table: Table;
  mine: Record<string, unknown>;
  /** The record as it was when the user started editing. */
  base: RecordT | null;
  current: RecordT;
  fields: string[];
  resolve: (choice: Record<string, unknown> | null) => void;
}

class ConflictState {
  current = $state<ConflictRequest | null>(null);
}
export const conflictState = new ConflictState();

function ask(req: Omit<ConflictRequest, 'resolve'>): Promise<Record<string, unknown> | null> {
  return new Promise((resolve) => (conflictState.current = { ...req, resolve }));
}

export async function saveWithConflicts(table: Table, base: RecordT, data: Record<string, unknown>): Promise<RecordT> {
  const api = recordsApi(table.key);
  let version = base.version;
  let mine = data;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      return await api.update(base.id, mine, version);
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== 'VERSION_CONFLICT' || !e.details?.current) throw e;
      const current = e.details.current as RecordT;
      const choice = await ask({ table, mine, base, current, fields: (e.details.fields as string[]) ?? Object.keys(mine) });
      if (choice === null || Object.keys(choice).length === 0) return current;
      mine = choice;
      version = current.version;
    }
  }
  throw new ApiError(409, 'VERSION_CONFLICT', 'The record keeps changing; open it again and retry');
}
