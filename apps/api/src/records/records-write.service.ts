/**
 * Writing records: create (one or a batch, all-or-nothing, optional client ids), update
 * with optimistic concurrency that conflicts only on fields changed since the version the
 * client read, delete to the trash and restore. Each change writes its audit row in the
 * same transaction; a batch writes one summary row.
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  decodeRecordInput,
  DomainError,
  getFieldType,
  type FieldMeta,
  isDomainError,
  isUuid,
  uuidv7,
  type TableMeta,
} from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database, Sql } from '../database/database.js';
import { AccessService } from '../access/access.service.js';
import type { CurrentUser } from '../access/current-user.js';
import { translatePgError } from '../common/error-filter.js';
import { SchemaService } from '../schema/schema.service.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { RecordsReadService } from './records-read.service.js';
import { LinkService } from '../links/link.service.js';
import { LinkWriteService } from '../links/link-write.service.js';
import { AutonumberService } from './autonumber.service.js';
import { AttachmentRefs } from './attachment-refs.service.js';
import { ComputedService } from '../computed/computed.service.js';
import { IndexAdvisor } from '../jobs/index-advisor.service.js';
import { AuditLog } from '../store/audit-log.js';
import { RecordStore, type RecordRow } from '../store/record-store.js';
import { SYSTEM } from '../store/row-scope.js';
import { toWire, type WireRecord } from './record-wire.js';
import { unknownUsers } from './unknown-users.js';
import { idsTaken } from './used-record-ids.js';
import { partitionName } from '../schema/partition.js';
import { isPlainObject } from '@tabula/schema-engine';

/** Records per create request answered with the full records (the default). */
export const MAX_BATCH = 1000;
/**
 * Records per create request with `?return=ids` on a PostgreSQL server (one transaction,
 * all or nothing). On PGlite every write holds the one embedded session while it runs and
 * 1,000 rows already hold it ~0.35 s (2,000: ~0.7 s, measured), so the limit stays 1,000
 * there: page reads keep being answered between batches.
 */
export const MAX_BATCH_IDS = 10_000;
export const MAX_BATCH_IDS_EMBEDDED = MAX_BATCH;

export interface CreateOptions {
  /** `?return=ids`: answer `{ids}` only (no re-read of the records), larger batches allowed. */
  returnIds?: boolean;
}

export type CreateResult =
  { single: boolean; records: WireRecord[]; ids?: undefined } | { single: boolean; ids: string[]; records?: undefined };

function onlyKeys(body: Record<string, unknown>, allowed: string[], where: string): void {
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k)) {
      throw new DomainError('VALIDATION_FAILED', `Unexpected property "${k.slice(0, 40)}" in ${where}`, {
        [k.slice(0, 40)]: { code: 'UNEXPECTED', message: `allowed: ${allowed.join(', ')}` },
      });
    }
  }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

@Injectable()
export class RecordsWriteService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
    private readonly schema: SchemaService,
    private readonly access: AccessService,
    private readonly reader: RecordsReadService,
    private readonly store: RecordStore,
    private readonly audit: AuditLog,
    private readonly links: LinkService,
    private readonly linkWrites: LinkWriteService,
    private readonly autonumbers: AutonumberService,
    private readonly attachmentRefs: AttachmentRefs,
    private readonly computed: ComputedService,
    private readonly advisor: IndexAdvisor,
  ) {}

  /** Most records one create request may carry. */
  maxBatch(opts: CreateOptions = {}): number {
    if (!opts.returnIds) return MAX_BATCH;
    return this.db.kind === 'postgres' ? MAX_BATCH_IDS : MAX_BATCH_IDS_EMBEDDED;
  }

  /**
   * `{"data":{…}}` → one record; `{"records":[{"id"?,"data"}]}` → a batch, all or nothing.
   * The whole batch is validated in JS first (one bad record refuses it, nothing written);
   * each row is then written once with its own formulas already evaluated, in one INSERT
   * for the rows and one per link field, and the records that read them (rollups of the
   * linked parents) are recomputed once for the batch.
   */
  async create(user: CurrentUser, tableRef: string, body: unknown, opts: CreateOptions = {}): Promise<CreateResult> {
    if (!isPlainObject(body))
      throw new DomainError('VALIDATION_FAILED', 'Send {"data":{…}} or {"records":[…]}', {
        body: { code: 'NOT_AN_OBJECT', message: 'must be an object' },
      });
    const table = await this.schema.table(tableRef);
    const acc = this.access.forTable(user, table, 'create');
    const single = !('records' in body);
    let items: { id?: unknown; data?: unknown }[];
    if (single) {
      onlyKeys(body, ['data', 'id'], 'the record');
      items = [body];
    } else {
      onlyKeys(body, ['records'], 'the batch');
      const max = this.maxBatch(opts);
      if (!Array.isArray(body.records) || body.records.length === 0 || body.records.length > max) {
        throw new DomainError('VALIDATION_FAILED', `records must be an array of 1 to ${max} records`, {
          records: { code: 'INVALID_BATCH', message: `1 to ${max} records` },
        });
      }
      items = body.records as { id?: unknown; data?: unknown }[];
    }
    const ctx = this.ws.valueContext();
    const rowErrors: { index: number; error: { code: string; message: string; details?: unknown } }[] = [];
    const prepared: { id: string; data: Record<string, unknown> }[] = [];
    // link values leave `data` (the link table holds them): per record, the fields and the ids they link to
    const linkFields = table.fields.filter((f) => f.type === 'link');
    const linkBySlot = new Map(linkFields.map((f) => [f.slot, f]));
    const linkWrites: [FieldMeta, string[]][][] = [];
    const seen = new Set<string>();
    const clientIds: string[] = [];
    const preparedAt: number[] = []; // the item index of each prepared record
    items.forEach((item, index) => {
      try {
        if (!isPlainObject(item)) throw new DomainError('VALIDATION_FAILED', 'A record must be an object {"id"?, "data"}');
        onlyKeys(item, ['id', 'data'], 'a record');
        let id: string;
        if (item.id !== undefined) {
          if (!isUuid(item.id))
            throw new DomainError('VALIDATION_FAILED', 'id must be a UUID', {
              id: { code: 'INVALID_ID', message: 'a UUID (v7 recommended)' },
            });
          id = item.id.toLowerCase();
          clientIds.push(id);
        } else id = uuidv7();
        if (seen.has(id))
          throw new DomainError('VALIDATION_FAILED', 'The same id appears twice in the batch', {
            id: { code: 'DUPLICATE_ID', message: id },
          });
        seen.add(id);
        const data = decodeRecordInput(table, item.data ?? {}, ctx, { mode: 'create', canWrite: acc.canWrite, canRead: acc.canRead });
        const { stored, links } = splitInput(data, linkBySlot);
        prepared.push({ id, data: stored });
        preparedAt.push(index);
        linkWrites.push(links);
      } catch (e) {
        if (!isDomainError(e)) throw e;
        rowErrors.push({ index, error: { code: e.code, message: e.message, details: e.details } });
      }
    });
    for (const [i, e] of await unknownUsers(
      this.db,
      this.ws.id,
      table,
      prepared.map((p) => p.data),
    ))
      rowErrors.push({ index: preparedAt[i]!, error: { code: e.code, message: e.message, details: e.details } });
    rowErrors.sort((a, b) => a.index - b.index);
    if (rowErrors.length) {
      if (single) {
        const e = rowErrors[0]!.error;
        throw new DomainError(e.code as never, e.message, e.details);
      }
      throw new DomainError('VALIDATION_FAILED', `${rowErrors.length} of ${items.length} records are invalid; nothing was written`, {
        records: rowErrors.slice(0, 100),
      });
    }
    await this.autonumbers.reserve(table, prepared);
    const version = this.schema.currentVersion;
    let asInserted = true; // the rows as the INSERT returns them are what the write leaves stored
    const rows = await this.db.tx(async (sql) => {
      await this.schema.assertUnchanged(sql, version);
      await this.assertIdsFree(sql, clientIds);
      // gapless numbers first, before any row is locked: the rows are then inserted once, numbered (ADR 0009)
      await this.autonumbers.numberGapless(sql, table, prepared);
      await this.assertCreateAllowed(sql, user, table, prepared);
      const change = this.computed.begin(sql, table, 'create');
      await change.prepare(prepared, linkWrites);
      const inserted = await this.insertNew(sql, user, table, prepared, opts);
      const relinked = await this.linkNew(sql, user, table, prepared, linkWrites);
      await change.settle(
        prepared.map((p) => p.id),
        { relinked },
      );
      asInserted = change.final;
      await this.auditCreate(sql, user, table, single, inserted, prepared, linkWrites);
      return inserted;
    });
    this.advisor.noteWrites(
      table,
      prepared.length,
      linkWrites.reduce((n, w) => n + w.reduce((m, [, ids]) => m + ids.length, 0), 0),
    );
    if (opts.returnIds) return { single, ids: prepared.map((p) => p.id) };
    const inserted = new Map(rows.map((r) => [r.id, r]));
    let fresh = inserted;
    if (!asInserted) {
      // as stored, with the computed values the write settled
      const again = await this.store.rowsById(
        this.db,
        table,
        prepared.map((p) => p.id),
        SYSTEM,
      );
      fresh = new Map(again.map((r) => [r.id, r]));
    }
    const final = prepared.map((p) => fresh.get(p.id) ?? inserted.get(p.id)!);
    return { single, records: await this.reader.withLinks(this.db, table, final, acc, undefined, user) };
  }

  async update(user: CurrentUser, tableRef: string, id: string, body: unknown): Promise<WireRecord> {
    if (!isPlainObject(body))
      throw new DomainError('VALIDATION_FAILED', 'Send {"data":{…},"version":n}', {
        body: { code: 'NOT_AN_OBJECT', message: 'must be an object' },
      });
    onlyKeys(body, ['data', 'version'], 'the update');
    const version = body.version;
    if (version !== undefined && (typeof version !== 'number' || !Number.isInteger(version) || version < 1)) {
      throw new DomainError('VALIDATION_FAILED', 'version must be the positive integer you read', {
        version: { code: 'INVALID_VERSION', message: 'a positive integer' },
      });
    }
    const table = await this.schema.table(tableRef);
    const acc = this.access.forTable(user, table, 'update');
    const patch = decodeRecordInput(table, body.data ?? {}, this.ws.valueContext(), {
      mode: 'update',
      canWrite: acc.canWrite,
      canRead: acc.canRead,
    });
    const version0 = this.schema.currentVersion;
    return this.db.tx(async (sql) => {
      await this.schema.assertUnchanged(sql, version0);
      const cur = await this.store.fetch(sql, table, id, acc.scope, { forUpdate: true });
      if (!cur) throw new DomainError('NOT_FOUND', 'Record not found');
      await this.attachmentRefs.verifyPatch(sql, table, cur.id, patch);
      const changed: Record<string, unknown> = {};
      const linkChanges: [FieldMeta, string[], string[]][] = [];
      for (const f of table.fields) {
        if (f.type !== 'link' || !(f.slot in patch)) continue;
        const next = (patch[f.slot] as string[] | null) ?? [];
        const before = await this.links.current(sql, cur.id, f);
        if (!same(before, next)) {
          linkChanges.push([f, before, next]);
          changed[f.slot] = next;
        }
        delete patch[f.slot];
      }
      for (const [slot, v] of Object.entries(patch)) if (!same(cur.data[slot], v)) changed[slot] = v;
      // only values that change: a record may keep naming a user deleted since
      const badUser = (await unknownUsers(sql, this.ws.id, table, [changed])).get(0);
      if (badUser) throw badUser;
      if (version !== undefined && version !== cur.version) {
        const conflicts = await this.conflictingSlots(sql, table, cur, version as number, Object.keys(changed));
        if (conflicts.length) {
          const keys = table.fields.filter((f) => conflicts.includes(f.slot)).map((f) => f.key);
          throw new DomainError('VERSION_CONFLICT', `The record was changed by someone else since version ${version}: ${keys.join(', ')}`, {
            fields: keys,
            current: toWire(table, cur, acc.canRead),
          });
        }
      }
      if (Object.keys(changed).length === 0) return (await this.reader.withLinks(sql, table, [cur], acc))[0]!;
      const set: Record<string, unknown> = {};
      const remove: string[] = [];
      const linkSlots = new Set(linkChanges.map(([f]) => f.slot));
      for (const [slot, v] of Object.entries(changed)) {
        if (linkSlots.has(slot)) continue;
        if (v === null) remove.push(slot);
        else set[slot] = v;
      }
      const losers: string[] = []; // other records of this table whose targets this one took
      for (const [f, before, next] of linkChanges) losers.push(...(await this.linkWrites.write(sql, user, cur.id, f, before, next)));
      const next: Record<string, unknown> = { ...cur.data, ...set };
      for (const slot of remove) delete next[slot];
      await this.access.assertRowsAllowed(sql, user, table, 'update', [{ id: cur.id, data: next, owner_id: cur.owner_id }]);
      // the record's own formulas are evaluated here, so the row is written once (the lock is held)
      const image = { id: cur.id, data: next };
      const change = this.computed.begin(sql, table, 'update');
      await change.prepare([image]);
      const row = await this.guard(table, () => this.store.update(sql, table, cur.id, image.data, user.id));
      const relinked = new Map<string, Set<string>>();
      for (const [f, before, next] of linkChanges) addAll(relinked, linkTarget(f), [...before, ...next]);
      if (losers.length) addAll(relinked, table.id, losers);
      await change.settle([cur.id], { relinked, changed: Object.keys(changed) });
      const diff = diffOf(cur.data, changed);
      for (const [f, before, next] of linkChanges) diff[f.slot] = [before, next];
      await this.audit.recordChange(sql, table.id, cur.id, row!.version, 'update', user.id, diff);
      // with its link-fed computed values as settle stored them, which need no right of the writer
      const now = change.final ? row : await this.store.fetch(sql, table, cur.id, SYSTEM);
      return (await this.reader.withLinks(sql, table, [now ?? row!], acc, undefined, user))[0]!;
    });
  }

  async remove(user: CurrentUser, tableRef: string, id: string): Promise<void> {
    const table = await this.schema.table(tableRef);
    const acc = this.access.forTable(user, table, 'delete');
    await this.db.tx(async (sql) => {
      const cur = await this.store.fetch(sql, table, id, acc.scope, { forUpdate: true });
      if (!cur) throw new DomainError('NOT_FOUND', 'Record not found');
      const plan = await this.links.collectCascade(sql, user, table, [cur.id]);
      const batch = uuidv7();
      for (const [tableId, ids] of plan) {
        const t = this.schema.tableById(tableId)!;
        const rows = await this.store.trash(sql, t, [...ids], batch, user.id);
        for (const r of rows)
          await this.audit.recordChange(
            sql,
            t.id,
            r.id,
            r.version,
            'delete',
            user.id,
            null,
            r.id === cur.id ? undefined : { cascadeOf: cur.id, batch },
          );
        await this.computed.begin(sql, t, 'delete').settle(rows.map((r) => r.id));
      }
    });
  }

  /** Restores a trashed record and everything its delete took with it (one batch). */
  async restore(user: CurrentUser, tableRef: string, id: string): Promise<WireRecord> {
    const table = await this.schema.table(tableRef);
    const acc = this.access.forTable(user, table, 'delete');
    return this.db.tx(async (sql) => {
      const cur = await this.store.fetch(sql, table, id, acc.scope, { forUpdate: true, trashed: true });
      if (!cur) throw new DomainError('NOT_FOUND', 'No such record in the trash');
      const batch = await this.store.deleteBatch(sql, table, cur.id, SYSTEM);
      if (batch) await this.links.assertRestorable(sql, user, batch);
      const restored = await this.guard(table, () =>
        batch ? this.store.restoreBatch(sql, batch, user.id) : this.store.restoreOne(sql, table, cur.id, user.id),
      );
      for (const r of restored)
        await this.audit.recordChange(sql, (this.schema.tableById(r.table_id) ?? table).id, r.id, r.version, 'restore', user.id, null);
      const byTable = new Map<string, string[]>();
      for (const r of restored) byTable.set(r.table_id, [...(byTable.get(r.table_id) ?? []), r.id]);
      for (const [tid, ids] of byTable) {
        const t = this.schema.tableById(tid);
        if (t) await this.computed.begin(sql, t, 'restore').settle(ids);
      }
      const row = await this.store.fetch(sql, table, cur.id, acc.scope);
      return (await this.reader.withLinks(sql, table, [row!], acc))[0]!;
    });
  }

  /** Empties the trash of a table for good (records, their links and history stay in the audit log). */
  async emptyTrash(user: CurrentUser, tableRef: string): Promise<{ deleted: number }> {
    const table = await this.schema.table(tableRef);
    this.access.requireAdmin(user);
    return this.db.tx(async (sql) => {
      const ids = await this.store.purgeTrash(sql, table);
      if (ids.length)
        await sql.exec(`DELETE FROM attachment WHERE workspace_id = $1 AND table_id = $2 AND record_id = ANY($3::uuid[])`, [
          this.ws.id,
          table.id,
          ids,
        ]);
      if (ids.length)
        await sql.exec(`DELETE FROM record_link WHERE workspace_id = $1 AND (from_id = ANY($2::uuid[]) OR to_id = ANY($2::uuid[]))`, [
          this.ws.id,
          ids,
        ]);
      await this.audit.tableEvent(sql, table.id, 'bulk_purge', user.id, { count: ids.length });
      return { deleted: ids.length };
    });
  }

  /** Client ids must be new in the whole workspace (a trashed record keeps its id). */
  private async assertIdsFree(sql: Sql, clientIds: string[]): Promise<void> {
    const used = await this.store.usedIds(sql, this.schema.cachedList(), clientIds, SYSTEM);
    if (used.size) throw idsTaken(clientIds.filter((id) => used.has(id)));
  }

  /** The user's create rule on every new row, and the attachments their values name. */
  private async assertCreateAllowed(sql: Sql, user: CurrentUser, table: TableMeta, rows: { id: string; data: Record<string, unknown> }[]) {
    await this.access.assertRowsAllowed(
      sql,
      user,
      table,
      'create',
      rows.map((p) => ({ id: p.id, data: p.data, owner_id: user.id })),
    );
    for (const p of rows) await this.attachmentRefs.verifyPatch(sql, table, p.id, p.data);
  }

  /** One INSERT for the rows; an id taken meanwhile (a concurrent create) is the same 409 as one taken before. */
  private async insertNew(
    sql: Sql,
    user: CurrentUser,
    table: TableMeta,
    rows: { id: string; data: Record<string, unknown> }[],
    opts: CreateOptions,
  ): Promise<RecordRow[]> {
    const inserted = await this.guard(table, () => this.store.insert(sql, table, rows, user.id, { returnIds: opts.returnIds }));
    if (inserted.length !== rows.length) {
      const got = new Set(inserted.map((r) => r.id));
      throw idsTaken(rows.filter((p) => !got.has(p.id)).map((p) => p.id));
    }
    return inserted;
  }

  /**
   * The links sent with new rows, one statement per link field, through the rights gate on
   * both sides. Returns the records whose links changed: the targets, and records of this
   * table that lost a single-valued target to a new row.
   */
  private async linkNew(
    sql: Sql,
    user: CurrentUser,
    table: TableMeta,
    rows: { id: string }[],
    linkWrites: [FieldMeta, string[]][][],
  ): Promise<Map<string, Set<string>>> {
    const relinked = new Map<string, Set<string>>();
    for (const f of table.fields) {
      if (f.type !== 'link') continue;
      const pairs: [string, string[]][] = [];
      rows.forEach((p, i) => {
        const w = linkWrites[i]!.find(([lf]) => lf.id === f.id);
        if (w && w[1].length) pairs.push([p.id, w[1]]);
      });
      addAll(relinked, table.id, await this.linkWrites.writeNew(sql, user, f, pairs));
    }
    for (const writes of linkWrites) for (const [f, ids] of writes) addAll(relinked, linkTarget(f), ids);
    return relinked;
  }

  /** A single create: its history row with the values entered; a batch: one summary event. */
  private async auditCreate(
    sql: Sql,
    user: CurrentUser,
    table: TableMeta,
    single: boolean,
    inserted: RecordRow[],
    rows: { id: string; data: Record<string, unknown> }[],
    linkWrites: [FieldMeta, string[]][][],
  ): Promise<void> {
    if (single) {
      const diff = diffOf({}, this.userSlots(table, rows[0]!.data));
      for (const [f, ids] of linkWrites[0]!) if (ids.length) diff[f.slot] = [null, ids];
      await this.audit.recordChange(sql, table.id, inserted[0]!.id, 1, 'create', user.id, diff);
    } else
      await this.audit.tableEvent(sql, table.id, 'bulk_create', user.id, {
        count: inserted.length,
        ids: inserted.slice(0, 1000).map((r) => r.id),
      });
  }

  /** Slots that the write sets and that changed after `version` (from the audit trail). */
  private async conflictingSlots(sql: Sql, table: TableMeta, cur: RecordRow, version: number, slots: string[]): Promise<string[]> {
    if (version > cur.version) return slots.length ? slots : ['*'];
    if (!slots.length) return [];
    const diffs = await this.audit.diffsSince(sql, table.id, cur.id, version);
    const changedSince = new Set(diffs.flatMap((d) => Object.keys(d ?? {})));
    return slots.filter((s) => changedSince.has(s));
  }

  /** Stored values of the fields a user writes (computed ones are not history). */
  private userSlots(table: TableMeta, data: Record<string, unknown>): Record<string, unknown> {
    const computed = new Set(table.fields.filter((f) => getFieldType(f.type).computed).map((f) => f.slot));
    return Object.fromEntries(Object.entries(data).filter(([slot]) => !computed.has(slot)));
  }

  /**
   * Runs a statement, turning a unique violation into a 409 that names the field. The index
   * must be this table's: a restore brings back a whole delete batch, and a clash in another
   * table names no field (the slot alone would name one of this table's).
   */
  private async guard<T>(table: TableMeta, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const pg = translatePgError(e);
      if (pg?.code === 'UNIQUE_VIOLATION') {
        const constraint = String((e as { constraint?: string }).constraint ?? '');
        const slot = constraint.startsWith(`${partitionName(table.id)}_u_`) ? /_u_(f\d+)$/.exec(constraint)?.[1] : undefined;
        const field = table.fields.find((f) => f.slot === slot);
        throw new DomainError(
          'UNIQUE_VIOLATION',
          field ? `Another record already has this ${field.label}` : 'A record with this value already exists',
          field ? { field: field.key } : undefined,
        );
      }
      throw e;
    }
  }
}

function addAll(map: Map<string, Set<string>>, key: string, ids: string[]): void {
  const set = map.get(key) ?? new Set<string>();
  for (const id of ids) set.add(id);
  map.set(key, set);
}

function linkTarget(f: FieldMeta): string {
  return (f.options as { table: string }).table;
}

/**
 * A decoded record's stored values without nulls or links, and its link values, in one
 * pass that builds a new object (no `delete`, which turns every row of a bulk create into
 * a slow dictionary-mode object).
 */
function splitInput(
  data: Record<string, unknown>,
  linkBySlot: Map<string, FieldMeta>,
): { stored: Record<string, unknown>; links: [FieldMeta, string[]][] } {
  const stored: Record<string, unknown> = {};
  const links: [FieldMeta, string[]][] = [];
  for (const k in data) {
    const v = data[k];
    const link = linkBySlot.get(k);
    if (link) links.push([link, (v as string[] | null) ?? []]);
    else if (v !== null) stored[k] = v;
  }
  return { stored, links };
}

function diffOf(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, [unknown, unknown]> {
  const diff: Record<string, [unknown, unknown]> = {};
  for (const [slot, v] of Object.entries(after)) diff[slot] = [before[slot] ?? null, v];
  return diff;
}
