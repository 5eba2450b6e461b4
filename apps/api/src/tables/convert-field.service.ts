/**
 * Type changes: `PATCH /api/tables/:t/fields/:f` with a new type (docs/type-changes.md).
 *
 * - `?dryRun=true` scans the live records in keyset batches and reports what would
 *   convert, be lost or stay empty, with examples; it changes nothing.
 * - The real change is refused up front (nothing changed) for an unknown conversion, a
 *   field that other fields depend on, a primary field whose new type cannot name a record,
 *   a field that is already converting, or a unique field that would get duplicates.
 *   Otherwise it takes a NEW slot and answers 202 with a job that:
 *   1. fill: converts every record (trash included) into the new slot, ~2,000 per committed
 *      batch; the field stays on its old slot, readable and writable, meanwhile;
 *   2. catchup: re-converts the records written since the pass before (updated_at), until
 *      few are left;
 *   3. switch: in one transaction (the partition locked against writes) re-converts the
 *      last ones, checks uniqueness, moves meta_field to the new type/slot/options and bumps
 *      the schema version;
 *   4. count: counts the outcome in batches and writes ONE summary audit row.
 *   A failure after the start (the field changed or was deleted meanwhile, duplicates)
 *   clears the new slot in batches and fails the job; the field is left as it was.
 * - The old slot's values stay in `data`: changing the field back to its previous type
 *   restores them for records whose value has not changed since (field-conversion.ts).
 *
 * Invariant relied on: every write that changes a field's value sets `updated_at`.
 */
import { Inject, Injectable } from '@nestjs/common';
import {
  convertFieldValue,
  DomainError,
  emptyTally,
  findConversion,
  getFieldType,
  parseFieldDefinition,
  requireConversion,
  tallyRow,
  uniqueKeyExpr,
  type ConversionContext,
  type ConversionTally,
  type FieldConversionPlan,
  type FieldMeta,
  type TableMeta,
} from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database, Sql } from '../database/database.js';
import { IndexAdvisor } from '../jobs/index-advisor.service.js';
import { accepted, JobsService, type JobError, type JobStep, type StepResult } from '../jobs/jobs.service.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { createUniqueIndexSql, uniqueIndexName } from '../schema/partition.js';
import { SchemaService } from '../schema/schema.service.js';
import { AuditLog } from '../store/audit-log.js';
import { RecordStore, type SlotRow } from '../store/record-store.js';
import { SYSTEM } from '../store/row-scope.js';
import { fieldOut } from './table-wire.js';

export const CONVERT_JOB = 'convert-field';
export const BATCH = 2000;
const COUNT_BATCH = 10_000;
/** Writers' transactions that began this long before a pass are still caught by it. */
const MARGIN_SECONDS = 30;
const MAX_PASSES = 5;

type Phase = 'fill' | 'catchup' | 'switch' | 'count' | 'cleanup';

interface FieldShape {
  type: string;
  slot: string;
  options: Record<string, unknown>;
  required: boolean;
  unique: boolean;
  defaultValue: unknown;
  searchable: boolean;
}

interface ConvertJob {
  tableId: string;
  fieldId: string;
  key: string;
  from: FieldShape;
  to: FieldShape;
  rename: { key?: string; label?: string };
  restoreSlot: string | null;
  ctx: { timeZone: string; baseCurrency: string };
  startedAt: string;
  phase: Phase;
  cursor: string | null;
  since: string | null;
  passStart: string | null;
  passRows: number;
  passes: number;
  processed: number;
  tally: ConversionTally;
  failure: JobError | null;
}

const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const shapeOf = (f: FieldMeta): FieldShape => ({
  type: f.type,
  slot: f.slot,
  options: f.options,
  required: f.required,
  unique: f.unique,
  defaultValue: f.defaultValue ?? null,
  searchable: f.searchable,
});

@Injectable()
export class ConvertFieldService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
    private readonly schema: SchemaService,
    private readonly jobs: JobsService,
    private readonly advisor: IndexAdvisor,
    private readonly store: RecordStore,
    private readonly audit: AuditLog,
  ) {
    this.jobs.register<ConvertJob>(CONVERT_JOB, (step) => this.step(step));
  }

  /** The type-change branch of PATCH …/fields/:field. */
  async changeType(
    table: TableMeta,
    field: FieldMeta,
    body: Record<string, unknown>,
    dryRun: boolean,
    user?: { id: string },
  ): Promise<Record<string, unknown>> {
    const vctx = this.ws.valueContext();
    const first = parseFieldDefinition(body, 'update', field, vctx);
    const conversion = requireConversion(field.type, first.type);
    // going back to the previous type: its options and flags come back unless given
    const prev = await this.previousShape(table, field, first.type);
    const restore = prev && (!has(body, 'options') || same(first.options, prev.options)) ? prev : undefined;
    const extra: Record<string, unknown> = {};
    if (restore) {
      const flags = {
        options: restore.options,
        required: restore.required,
        unique: restore.unique,
        default: restore.defaultValue,
        searchable: restore.searchable,
      };
      for (const [k, v] of Object.entries(flags)) if (!has(body, k)) extra[k] = v;
    } else if (!has(body, 'options') && conversion.carryOptions) extra.options = conversion.carryOptions(field);
    const def = Object.keys(extra).length ? parseFieldDefinition({ ...body, ...extra }, 'update', field, vctx) : first;
    const toDef = getFieldType(def.type);
    if (table.primaryFieldId === field.id && !toDef.canBePrimary) {
      throw new DomainError(
        'UNPROCESSABLE',
        `"${field.key}" is the primary field and a ${def.type} field cannot name a record; choose another primary field first`,
        { type: { code: 'PRIMARY_FIELD', message: `${def.type} cannot be the primary field` } },
      );
    }
    const dependants = await this.dependants(table, field);
    if (dependants.length) {
      throw new DomainError(
        'UNPROCESSABLE',
        `Other fields depend on "${field.key}": ${dependants.map((d) => `${d.table}.${d.field}`).join(', ')}; change or remove them first`,
        { dependants },
      );
    }
    const to: FieldShape = {
      type: def.type,
      slot: 'f0',
      options: def.options,
      required: def.required,
      unique: def.unique,
      defaultValue: def.defaultValue,
      searchable: def.searchable,
    };
    const job: ConvertJob = {
      tableId: table.id,
      fieldId: field.id,
      key: def.key,
      from: shapeOf(field),
      to,
      rename: { ...(has(body, 'key') ? { key: def.key } : {}), ...(has(body, 'label') ? { label: def.label } : {}) },
      restoreSlot: restore?.slot ?? null,
      ctx: { timeZone: vctx.timeZone ?? 'UTC', baseCurrency: this.ws.current.baseCurrency },
      startedAt: '',
      phase: 'fill',
      cursor: null,
      since: null,
      passStart: null,
      passRows: 0,
      passes: 0,
      processed: 0,
      tally: emptyTally(),
      failure: null,
    };
    if (dryRun || def.unique) {
      const { tally, duplicates } = await this.scan(job, def.unique);
      if (dryRun) {
        const { examples, missingChoices, restored, ...counts } = tally;
        return {
          dryRun: true,
          field: field.key,
          from: field.type,
          to: def.type,
          options: def.options,
          ...counts,
          ...(restore ? { restored } : {}),
          examples,
          ...(missingChoices.length ? { missingChoices } : {}),
          ...(def.unique ? { duplicates } : {}),
        };
      }
      if (duplicates.length)
        throw new DomainError('UNIQUE_VIOLATION', `"${field.key}" is unique and the converted values would repeat`, {
          field: field.key,
          duplicates,
        });
    }
    const id = await this.db.tx(async (sql) => {
      await sql.query(`SELECT 1 FROM workspace WHERE id = $1 FOR UPDATE`, [this.ws.id]);
      const [cur] = await sql.query<{ type: string; slot: string }>(
        `SELECT type, slot FROM meta_field WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
        [this.ws.id, field.id],
      );
      if (!cur || cur.type !== field.type || cur.slot !== field.slot)
        throw new DomainError('CONFLICT', `"${field.key}" was changed meanwhile; reload it and try again`);
      const busy = await sql.query(
        `SELECT 1 FROM job WHERE workspace_id = $1 AND kind = $2 AND state IN ('queued', 'running') AND payload->'data'->>'fieldId' = $3`,
        [this.ws.id, CONVERT_JOB, field.id],
      );
      if (busy.length) throw new DomainError('CONFLICT', `"${field.key}" is already being converted; wait for that job to finish`);
      if (
        def.key !== field.key &&
        (
          await sql.query(`SELECT 1 FROM meta_field WHERE workspace_id = $1 AND table_id = $2 AND key = $3`, [
            this.ws.id,
            table.id,
            def.key,
          ])
        ).length
      ) {
        throw new DomainError('UNIQUE_VIOLATION', `The table already has a field "${def.key}"`, { key: def.key });
      }
      const [slot] = await sql.query<{ n: number }>(
        `UPDATE workspace SET next_slot = next_slot + 1 WHERE id = $1 RETURNING next_slot - 1 AS n`,
        [this.ws.id],
      );
      const size = await this.store.sizeNow(sql, table.id, SYSTEM);
      Object.assign(job, { startedAt: size.now, to: { ...to, slot: `f${slot!.n}` } });
      return this.jobs.enqueue(CONVERT_JOB, job, size.n, { sql, startedBy: user?.id ?? null });
    });
    this.jobs.kick();
    const { startedBy: _by, ...out } = (await this.jobs.get(id))!;
    return accepted({ job: out, field: fieldOut(table, field) }, `/api/jobs/${id}`);
  }

  /** Fields whose options name this one: formulas (by id), lookups and rollups through a link, an autonumber's dateField. */
  private async dependants(table: TableMeta, field: FieldMeta): Promise<{ table: string; field: string }[]> {
    const out: { table: string; field: string }[] = [];
    for (const t of await this.schema.list()) {
      for (const f of t.fields) {
        if (f.id === field.id) continue;
        let uses = JSON.stringify(f.options).includes(field.id);
        // a field of the same table named by key in an option such as an autonumber's dateField
        if (!uses && t.id === table.id) uses = Object.entries(f.options).some(([k, v]) => k.endsWith('Field') && v === field.key);
        const { link, field: through } = f.options as { link?: unknown; field?: unknown };
        if (!uses && typeof link === 'string' && typeof through === 'string') {
          const l = t.fields.find((x) => x.key === link || x.id === link);
          const target = l?.options.table;
          uses = (target === table.id || target === table.key) && (through === field.key || through === field.id);
        }
        if (uses) out.push({ table: t.key, field: f.key });
      }
    }
    return out;
  }

  /** The field's shape before its last type change, when it is going back to that type. */
  private async previousShape(table: TableMeta, field: FieldMeta, toType: string): Promise<FieldShape | undefined> {
    const s = await this.audit.lastTypeChange<{ from?: FieldShape; to?: { type: string; slot: string } }>(this.db, table.id, field.id);
    return s?.from && s.to?.type === field.type && s.to.slot === field.slot && s.from.type === toType ? s.from : undefined;
  }

  private plan(d: ConvertJob): FieldConversionPlan {
    const meta = (s: FieldShape): FieldMeta => ({ id: d.fieldId, tableId: d.tableId, key: d.key, label: d.key, position: 0, ...s });
    const [from, to] = [meta(d.from), meta(d.to)];
    return {
      conversion: requireConversion(from.type, to.type),
      from,
      to,
      ...(d.restoreSlot ? { restoreForward: findConversion(to.type, from.type) } : {}),
    };
  }

  private ctxOf(d: ConvertJob): ConversionContext {
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: d.ctx.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    return { timeZone: d.ctx.timeZone, baseCurrency: d.ctx.baseCurrency, now: () => new Date(), today: () => day.format(new Date()) };
  }

  /** One keyset batch of records (trash included unless `liveOnly`), optionally only those written since a time: a type change converts every record. */
  private async rows(
    sql: Sql,
    d: ConvertJob,
    cursor: string | null,
    opts: { since?: string | null; liveOnly?: boolean } = {},
  ): Promise<SlotRow[]> {
    const batch = {
      slot: d.from.slot,
      restoreSlot: d.restoreSlot,
      after: cursor,
      since: opts.since,
      marginSeconds: MARGIN_SECONDS,
      liveOnly: opts.liveOnly,
      limit: BATCH,
    };
    return this.store.slotBatch(sql, d.tableId, batch, SYSTEM);
  }

  /** Dry run (and the duplicate check of a unique target): live records only, nothing written. */
  private async scan(d: ConvertJob, unique: boolean) {
    const plan = this.plan(d);
    const ctx = this.ctxOf(d);
    const tally = emptyTally();
    const seen = new Map<string, number>();
    for (let cursor: string | null = null; ;) {
      const rows = await this.rows(this.db, d, cursor, { liveOnly: true });
      for (const row of rows) {
        const r = convertFieldValue(plan, row.v, row.p, ctx);
        tallyRow(tally, plan, row.id, row.v, r);
        if (unique && r.value !== null) seen.set(JSON.stringify(r.value), (seen.get(JSON.stringify(r.value)) ?? 0) + 1);
      }
      if (rows.length < BATCH) break;
      cursor = rows[rows.length - 1]!.id;
    }
    const toWire = (v: string) => getFieldType(plan.to.type).toWire(JSON.parse(v), plan.to);
    const duplicates = [...seen]
      .filter(([, n]) => n > 1)
      .slice(0, 10)
      .map(([v, count]) => ({ value: toWire(v), count }));
    return { tally, duplicates };
  }

  /** Converts rows into the new slot; `clear` also removes the slot where the value is now empty or lost. */
  private async convertRows(sql: Sql, d: ConvertJob, rows: SlotRow[], clear: boolean): Promise<void> {
    const plan = this.plan(d);
    const ctx = this.ctxOf(d);
    const updates: { id: string; v?: unknown }[] = [];
    for (const row of rows) {
      const r = convertFieldValue(plan, row.v, row.p, ctx);
      if (row.live) tallyRow(d.tally, plan, row.id, row.v, r, false);
      if (r.value !== null) updates.push({ id: row.id, v: r.value });
      else if (clear) updates.push({ id: row.id });
    }
    if (!updates.length) return;
    await this.store.setSlot(sql, d.tableId, d.to.slot, updates);
  }

  /** Whether the field is still what the job converts from (not changed, not deleted). */
  private async unchanged(sql: Sql, d: ConvertJob, lock = false): Promise<boolean> {
    const rows = await sql.query(
      `SELECT 1 FROM meta_field WHERE workspace_id = $1 AND id = $2 AND type = $3 AND slot = $4 AND options = $5::jsonb${lock ? ' FOR UPDATE' : ''}`,
      [this.ws.id, d.fieldId, d.from.type, d.from.slot, JSON.stringify(d.from.options)],
    );
    return rows.length > 0;
  }

  private fail(d: ConvertJob, total: number, failure: JobError): StepResult<ConvertJob> {
    Object.assign(d, { phase: 'cleanup', cursor: null, failure });
    return { done: Math.min(d.processed, total), total, finished: false, data: d };
  }

  private async step({ data: d, sql, total: t, id, startedBy }: JobStep<ConvertJob>): Promise<StepResult<ConvertJob>> {
    const total = Math.max(t ?? 0, d.processed);
    const progress = (): StepResult<ConvertJob> => ({
      done: d.phase === 'fill' ? Math.min(d.processed, total) : total,
      total,
      finished: false,
      data: d,
    });
    const changed = { code: 'CONFLICT', message: `"${d.key}" was changed or deleted during the conversion; it was left as it was` };
    if (d.phase === 'fill' || d.phase === 'catchup') {
      if (!(await this.unchanged(sql, d))) return this.fail(d, total, changed);
      const catchup = d.phase === 'catchup';
      const rows = await this.rows(sql, d, d.cursor, { since: catchup ? d.since : undefined });
      await this.convertRows(sql, d, rows, catchup);
      if (catchup) d.passRows += rows.length;
      else d.processed += rows.length;
      d.cursor = rows.length === BATCH ? rows[rows.length - 1]!.id : null;
      if (d.cursor) return progress();
      const [{ now }] = (await sql.query<{ now: string }>(`SELECT now()::text AS now`)) as [{ now: string }];
      if (!catchup) Object.assign(d, { phase: 'catchup', since: d.startedAt, passStart: now, passRows: 0, passes: 1 });
      else if (d.passRows <= BATCH || d.passes >= MAX_PASSES) Object.assign(d, { phase: 'switch', since: d.passStart });
      else Object.assign(d, { since: d.passStart, passStart: now, passRows: 0, passes: d.passes + 1 });
      return progress();
    }
    if (d.phase === 'switch') return this.switchOver(sql, d, total, changed);
    if (d.phase === 'count') return this.count(sql, d, total, id, startedBy);
    // cleanup: take the new slot out of every record, then fail with the reason
    const ids = await this.store.clearSlotBatch(sql, d.tableId, d.to.slot, d.cursor, BATCH, SYSTEM);
    d.cursor = ids.length === BATCH ? ids[ids.length - 1]! : null;
    if (d.cursor) return { done: Math.min(d.processed, total), total, finished: false, data: d };
    return { done: Math.min(d.processed, total), total, finished: true, data: d, error: d.failure ?? changed };
  }

  /** The switch: one transaction, writes to the table held off while it runs. */
  private async switchOver(sql: Sql, d: ConvertJob, total: number, changed: JobError): Promise<StepResult<ConvertJob>> {
    await sql.query(`SELECT 1 FROM workspace WHERE id = $1 FOR UPDATE`, [this.ws.id]);
    if (!(await this.unchanged(sql, d, true))) return this.fail(d, total, changed);
    await this.store.lockAgainstWrites(sql, d.tableId);
    for (let cursor: string | null = null; ;) {
      const rows = await this.rows(sql, d, cursor, { since: d.since });
      await this.convertRows(sql, d, rows, true);
      if (rows.length < BATCH) break;
      cursor = rows[rows.length - 1]!.id;
    }
    const plan = this.plan(d);
    const toDef = getFieldType(d.to.type);
    const [table] = await sql.query<{ primary_field_id: string | null }>(
      `SELECT primary_field_id FROM meta_table WHERE workspace_id = $1 AND id = $2`,
      [this.ws.id, d.tableId],
    );
    if (table?.primary_field_id === d.fieldId && !toDef.canBePrimary)
      return this.fail(d, total, {
        code: 'UNPROCESSABLE',
        message: `"${d.key}" became the primary field and a ${d.to.type} field cannot name a record`,
      });
    if (
      d.rename.key &&
      (
        await sql.query(`SELECT 1 FROM meta_field WHERE workspace_id = $1 AND table_id = $2 AND key = $3 AND id <> $4`, [
          this.ws.id,
          d.tableId,
          d.rename.key,
          d.fieldId,
        ])
      ).length
    ) {
      return this.fail(d, total, { code: 'UNIQUE_VIOLATION', message: `The table already has a field "${d.rename.key}"` });
    }
    if (d.to.unique) {
      const dups = await this.store.duplicates(sql, d.tableId, d.to.slot, uniqueKeyExpr(plan.to), 10, SYSTEM);
      if (dups.length)
        return this.fail(d, total, {
          code: 'UNIQUE_VIOLATION',
          message: `"${d.key}" is unique and the converted values repeat`,
          details: { duplicates: dups.map((r) => ({ value: r.v, count: r.n })) },
        });
    }
    if (d.from.unique) await sql.exec(`DROP INDEX IF EXISTS ${uniqueIndexName(d.tableId, d.from.slot)}`);
    if (d.to.unique) await sql.exec(createUniqueIndexSql(d.tableId, d.to.slot, uniqueKeyExpr(plan.to)));
    const to = d.to;
    await sql.exec(
      `UPDATE meta_field SET type = $3, slot = $4, options = $5::jsonb, required = $6, is_unique = $7, default_value = $8::jsonb, searchable = $9,
              key = COALESCE($10, key), label = COALESCE($11, label), updated_at = now()
        WHERE workspace_id = $1 AND id = $2`,
      [
        this.ws.id,
        d.fieldId,
        to.type,
        to.slot,
        JSON.stringify(to.options),
        to.required,
        to.unique,
        to.defaultValue === null ? null : JSON.stringify(to.defaultValue),
        to.searchable,
        d.rename.key ?? null,
        d.rename.label ?? null,
      ],
    );
    await this.advisor.forget(sql, { id: d.tableId } as TableMeta, { slot: d.from.slot } as FieldMeta);
    await this.schema.bump(sql);
    Object.assign(d, { phase: 'count', cursor: null, tally: { ...d.tally, total: 0, convertible: 0, lost: 0, empty: 0, restored: 0 } });
    return { done: total, total, finished: false, data: d, afterCommit: () => this.wantIndexes(d) };
  }

  /** Indexes the field had for being primary or searchable, now on its new slot. */
  private async wantIndexes(d: ConvertJob): Promise<void> {
    const t = await this.schema.table(d.tableId).catch(() => undefined);
    const f = t?.fields.find((x) => x.id === d.fieldId);
    if (!t || !f) return;
    if (t.primaryFieldId === f.id) await this.advisor.want(t, f, 'primary');
    if (f.searchable) await this.advisor.want(t, f, 'search');
  }

  /** Counts the outcome over live records in batches; the last batch writes the summary audit row. */
  private async count(sql: Sql, d: ConvertJob, total: number, jobId: string, by: string | null): Promise<StepResult<ConvertJob>> {
    const c = await this.store.tallySlots(
      sql,
      d.tableId,
      { slot: d.to.slot, fromSlot: d.from.slot, restoreSlot: d.restoreSlot, after: d.cursor, limit: COUNT_BATCH },
      SYSTEM,
    );
    const t = d.tally;
    Object.assign(t, {
      total: t.total + c.n,
      convertible: t.convertible + c.convertible,
      lost: t.lost + c.lost,
      empty: t.empty + c.n - c.convertible - c.lost,
      restored: t.restored + c.restored,
    });
    d.cursor = c.n === COUNT_BATCH ? c.last : null;
    if (d.cursor) return { done: total, total, finished: false, data: d };
    const { examples, missingChoices, restored, ...counts } = t;
    const result = {
      field: d.key,
      from: d.from.type,
      to: d.to.type,
      ...counts,
      ...(d.restoreSlot ? { restored } : {}),
      examples,
      ...(missingChoices.length ? { missingChoices } : {}),
    };
    const summary = {
      fieldId: d.fieldId,
      key: d.key,
      job: jobId,
      from: d.from,
      to: { type: d.to.type, slot: d.to.slot, options: d.to.options },
      ...counts,
      ...(d.restoreSlot ? { restored } : {}),
    };
    await this.audit.tableEvent(sql, d.tableId, 'type_change', by, summary);
    return { done: total, total, finished: true, data: d, result };
  }
}
