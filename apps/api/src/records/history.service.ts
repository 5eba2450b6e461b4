/**
 * A record's history from the audit trail: who changed what, when, as field diffs by key.
 * Fields the reader may not read are left out of every diff; the record itself must be
 * readable (live or in the trash), else 404.
 */
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, getFieldType, isUuid, type TableMeta } from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database } from '../database/database.js';
import { AccessService } from '../access/access.service.js';
import type { CurrentUser } from '../access/current-user.js';
import { SchemaService } from '../schema/schema.service.js';
import { AuditLog } from '../store/audit-log.js';
import { RecordStore } from '../store/record-store.js';
import { RecordsWriteService } from './records-write.service.js';

@Injectable()
export class HistoryService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly schema: SchemaService,
    private readonly access: AccessService,
    private readonly store: RecordStore,
    private readonly audit: AuditLog,
    private readonly writer: RecordsWriteService,
  ) {}

  async list(user: CurrentUser, tableRef: string, id: string) {
    const table = await this.schema.table(tableRef);
    const acc = this.access.forTable(user, table, 'read');
    const row =
      (await this.store.fetch(this.db, table, id, acc.scope)) ?? (await this.store.fetch(this.db, table, id, acc.scope, { trashed: true }));
    if (!row) throw new DomainError('NOT_FOUND', 'Record not found');
    const events = await this.audit.history(this.db, table.id, row.id);
    return {
      items: events.map((e) => ({
        id: e.id,
        at: new Date(e.at).toISOString(),
        version: e.version,
        action: e.action,
        user: e.user_id ? { id: e.user_id, name: e.user_name } : null,
        changes: this.diffToWire(table, e.diff, acc.canRead),
      })),
    };
  }

  /**
   * Restores the record's values as they were right after `eventId`: the diffs of later
   * events are undone field by field, and the result is written as an ordinary update
   * (its own history row; with `version`, the usual conflict check).
   */
  async restore(user: CurrentUser, tableRef: string, id: string, eventId: string, body: unknown) {
    const table = await this.schema.table(tableRef);
    const acc = this.access.forTable(user, table, 'update');
    const row = await this.store.fetch(this.db, table, id, acc.scope);
    if (!row || !isUuid(eventId)) throw new DomainError('NOT_FOUND', 'Record or history event not found');
    const event = await this.audit.event(this.db, table.id, row.id, eventId);
    if (!event || event.version === null) throw new DomainError('NOT_FOUND', 'History event not found');
    const later = await this.audit.diffsAfter(this.db, table.id, row.id, event.version);
    const data: Record<string, unknown> = {};
    for (const diff of later) {
      for (const f of table.fields) {
        const d = diff?.[f.slot];
        if (!d || getFieldType(f.type).computed || !acc.canWrite(f)) continue;
        data[f.key] = d[0] === null || d[0] === undefined ? null : getFieldType(f.type).toWire(d[0], f);
      }
    }
    const version = typeof body === 'object' && body !== null && 'version' in body ? (body as { version: unknown }).version : undefined;
    return this.writer.update(user, table.id, row.id, version === undefined ? { data } : { data, version });
  }

  private diffToWire(
    table: TableMeta,
    diff: Record<string, [unknown, unknown]> | null,
    canRead: (f: TableMeta['fields'][number]) => boolean,
  ) {
    if (!diff) return {};
    const out: Record<string, { from: unknown; to: unknown }> = {};
    for (const f of table.fields) {
      const d = diff[f.slot];
      if (!d || !canRead(f)) continue;
      const def = getFieldType(f.type);
      const wire = (v: unknown) => (v === null || v === undefined ? null : def.toWire(v, f));
      out[f.key] = { from: wire(d[0]), to: wire(d[1]) };
    }
    return out;
  }
}
