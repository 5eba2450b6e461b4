/**
 * The write check: which of some records, as they are or would become, fall outside a row
 * scope. The records are handed to SQL as one jsonb recordset aliased `r` with the columns
 * of `record` that the filter compiler references, and the scope is compiled by the same
 * compiler as every read; so `"100.00" > "9.99"` is a numeric comparison, typed by the
 * field registry, never a JavaScript one.
 */
import { compileFilter } from '../query/filter-compiler.js';
import { SqlBuilder } from '../query/sql-builder.js';
import type { TableMeta, ValueContext } from '../types.js';

/** A record image: `data` by slot, in stored form; system columns as stored (ISO text for times). */
export interface RecordImage {
  id: string;
  data: Record<string, unknown>;
  owner_id: string | null;
  created_by?: string | null;
  updated_by?: string | null;
  created_at?: string | null;
  updated_at?: string | null;
  version?: number | null;
}

const RECORDSET_COLUMNS =
  'id uuid, data jsonb, owner_id uuid, created_by uuid, updated_by uuid, created_at timestamptz, updated_at timestamptz, version int';

/** `SELECT r.id …` of the images the scope does not allow (none selected: all allowed). */
export function imagesOutsideScope(
  table: TableMeta,
  scope: unknown,
  images: readonly RecordImage[],
  ctx: ValueContext,
): { text: string; values: unknown[] } {
  const sql = new SqlBuilder();
  const rows = sql.param(JSON.stringify(images), 'jsonb');
  const where =
    scope === undefined
      ? 'TRUE'
      : compileFilter(table, scope, { alias: 'r', sql, today: () => ctx.today(), now: () => ctx.now(), timeZone: ctx.timeZone });
  return {
    text: `SELECT r.id FROM jsonb_to_recordset(${rows}) AS r(${RECORDSET_COLUMNS}) WHERE NOT COALESCE((${where}), FALSE)`,
    values: sql.values,
  };
}
