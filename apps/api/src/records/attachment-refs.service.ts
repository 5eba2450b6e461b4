/**
 * The link between attachment rows and the values of attachment fields.
 *
 * The field type checks only the shape of a value; what its ids mean is checked here:
 * every id must be an attachment uploaded to this record and this field (so a record
 * cannot borrow another record's file, and a value cannot invent one), and each item's
 * name, size and type are rewritten from the row (the row is the authority).
 *
 * `verifyPatch` is meant for the record write path (create and update), inside its
 * transaction, so it lives beside it in records/; the attachments feature (uploads and
 * downloads, a floor above) reads attachment rows through it too.
 */
import { Injectable } from '@nestjs/common';
import { DomainError, type TableMeta } from '@tabula/schema-engine';
import type { Sql } from '../database/database.js';
import { WorkspaceService } from '../workspace/workspace.service.js';

export const ATTACHMENT_TYPE = 'attachment';

export interface AttachmentRow {
  id: string;
  table_id: string;
  field_id: string;
  record_id: string;
  sha256: string;
  size: string | number;
  type: string;
  name: string;
}

interface Item {
  id: string;
  name: string;
  size: number;
  type: string;
}

@Injectable()
export class AttachmentRefs {
  constructor(private readonly ws: WorkspaceService) {}

  /**
   * For each attachment field set in `patch` (slot → stored value, as decodeRecordInput
   * returns it): refuses ids that are not this record's files of this field
   * (VALIDATION_FAILED, details by field key) and rewrites the items from their rows.
   */
  async verifyPatch(sql: Sql, table: TableMeta, recordId: string, patch: Record<string, unknown>): Promise<void> {
    const fields = table.fields.filter((f) => f.type === ATTACHMENT_TYPE && Array.isArray(patch[f.slot]));
    const ids = fields.flatMap((f) => (patch[f.slot] as Item[]).map((a) => a.id));
    if (!ids.length) return;
    const rows = await this.rows(sql, ids);
    const errors: Record<string, { code: string; message: string }> = {};
    for (const f of fields) {
      const items = patch[f.slot] as Item[];
      const bad = items.find((a) => {
        const r = rows.get(a.id);
        return !r || r.table_id !== table.id || r.field_id !== f.id || r.record_id !== recordId.toLowerCase();
      });
      if (bad) {
        errors[f.key] = {
          code: 'UNKNOWN_ATTACHMENT',
          message: `attachment ${bad.id} does not belong to this record's "${f.key}"; upload files to add them`,
        };
        continue;
      }
      patch[f.slot] = items.map((a) => itemOf(rows.get(a.id)!));
    }
    const first = Object.entries(errors)[0];
    if (first) throw new DomainError('VALIDATION_FAILED', `Invalid value for "${first[0]}": ${first[1].message}`, errors);
  }

  async rows(sql: Sql, ids: string[]): Promise<Map<string, AttachmentRow>> {
    const rows = await sql.query<AttachmentRow>(
      `SELECT id, table_id, field_id, record_id, sha256, size, type, name FROM attachment WHERE workspace_id = $1 AND id = ANY($2::uuid[])`,
      [this.ws.id, ids.map((i) => i.toLowerCase())],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }
}

/** A row as the item stored in the field's value. */
export function itemOf(r: AttachmentRow): Item {
  return { id: r.id, name: r.name, size: Number(r.size), type: r.type };
}
