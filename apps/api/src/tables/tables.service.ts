/**
 * Tables and fields: metadata rows plus their storage (a partition per table, a unique
 * index per unique field). Every change bumps the schema version in the same transaction.
 */
import { Inject, Injectable } from '@nestjs/common';
import { prepareDerived } from '@tabula/formula';
import {
  DomainError,
  getFieldType,
  isDerived,
  parseFieldDefinition,
  parseTableDefinition,
  uniqueKeyExpr,
  uuidv7,
  validateKey,
  type FieldMeta,
  type FieldStore,
  type TableMeta,
} from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database, Sql } from '../database/database.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import { IndexAdvisor } from '../jobs/index-advisor.service.js';
import { LinkService } from '../links/link.service.js';
import { ComputedService } from '../computed/computed.service.js';
import { AutonumberService } from '../records/autonumber.service.js';
import { createPartitionSql, createUniqueIndexSql, partitionName, uniqueIndexName } from '../schema/partition.js';
import { SchemaService } from '../schema/schema.service.js';
import { RecordStore } from '../store/record-store.js';
import { SYSTEM } from '../store/row-scope.js';
import { ConvertFieldService } from './convert-field.service.js';
import { RolesService, type RemovalActor } from '../roles/roles.service.js';
import { fieldOut, tableOut, type FieldOut, type TableOut } from './table-wire.js';
import { isPlainObject } from '@tabula/schema-engine';
import type { TableUpdateBody } from './tables.dto.js';

@Injectable()
export class TablesService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
    private readonly schema: SchemaService,
    private readonly advisor: IndexAdvisor,
    private readonly links: LinkService,
    private readonly autonumbers: AutonumberService,
    private readonly convert: ConvertFieldService,
    private readonly computed: ComputedService,
    private readonly roles: RolesService,
    private readonly store: RecordStore,
  ) {}

  async list(visible: (t: TableMeta) => TableMeta | undefined = (t) => t): Promise<TableOut[]> {
    return (await this.schema.list())
      .map(visible)
      .filter((t): t is TableMeta => !!t)
      .map(tableOut);
  }

  async get(ref: string, visible: (t: TableMeta) => TableMeta | undefined = (t) => t): Promise<TableOut> {
    const t = visible(await this.schema.table(ref));
    if (!t) throw new DomainError('NOT_FOUND', 'Table not found');
    return tableOut(t);
  }

  async create(body: unknown): Promise<TableOut> {
    // `fields` (an extension of the v1 body) creates the table with its fields in one step
    const { fields: fieldsRaw, ...tableBody } = isPlainObject(body) ? body : { fields: undefined };
    if (fieldsRaw !== undefined && !Array.isArray(fieldsRaw))
      throw new DomainError('VALIDATION_FAILED', 'fields must be an array of field definitions', {
        fields: { code: 'NOT_A_LIST', message: 'an array' },
      });
    const def = parseTableDefinition(isPlainObject(body) ? tableBody : body);
    const fieldsIn: unknown[] = fieldsRaw ?? [];
    if (fieldsIn.length > 500) throw new DomainError('VALIDATION_FAILED', 'At most 500 fields per table');
    const id = uuidv7();
    await this.db.tx(async (sql) => {
      await this.lockWorkspace(sql);
      const dup = await sql.query(`SELECT 1 FROM meta_table WHERE workspace_id = $1 AND key = $2`, [this.ws.id, def.key]);
      if (dup.length) throw new DomainError('UNIQUE_VIOLATION', `A table with key "${def.key}" already exists`, { key: def.key });
      const [pos] = await sql.query<{ n: number }>(
        `SELECT COALESCE(max(position) + 1, 0)::int AS n FROM meta_table WHERE workspace_id = $1`,
        [this.ws.id],
      );
      await sql.exec(`INSERT INTO meta_table (workspace_id, id, key, label, position) VALUES ($1, $2, $3, $4, $5)`, [
        this.ws.id,
        id,
        def.key,
        def.label,
        pos!.n,
      ]);
      await sql.exec(createPartitionSql(id));
      const table: TableMeta = {
        id,
        workspaceId: this.ws.id,
        key: def.key,
        label: def.label,
        primaryFieldId: null,
        position: pos!.n,
        fields: [],
      };
      for (const f of fieldsIn) table.fields.push(await this.insertField(sql, table, f));
      const primaryKey = def.primaryField;
      if (primaryKey !== undefined && primaryKey !== null) {
        const pf = table.fields.find((f) => f.key === primaryKey);
        if (!pf)
          throw new DomainError('VALIDATION_FAILED', `primaryField "${String(primaryKey).slice(0, 80)}" is not a field of the table`, {
            primaryField: { code: 'UNKNOWN_FIELD', message: 'must name one of the fields' },
          });
        await this.setPrimary(sql, table, pf);
      } else {
        const pf = table.fields.find((f) => getFieldType(f.type).canBePrimary);
        if (pf) await this.setPrimary(sql, table, pf);
      }
      await this.schema.bump(sql);
    });
    const t = await this.schema.table(id);
    if (t.primaryFieldId)
      await this.advisor.want(
        t,
        t.fields.find((f) => f.id === t.primaryFieldId)!,
        'primary',
      );
    for (const f of t.fields) if (f.searchable) await this.advisor.want(t, f, 'search');
    return tableOut(t);
  }

  /** `body`: its envelope checked by the input layer (TableUpdateBody), its values here. */
  async update(ref: string, body: TableUpdateBody): Promise<TableOut> {
    const table = await this.schema.table(ref);
    await this.db.tx(async (sql) => {
      await this.lockWorkspace(sql);
      if (body.key !== undefined && body.key !== table.key) {
        const key = validateKey(body.key, 'table');
        const dup = await sql.query(`SELECT 1 FROM meta_table WHERE workspace_id = $1 AND key = $2`, [this.ws.id, key]);
        if (dup.length) throw new DomainError('UNIQUE_VIOLATION', `A table with key "${key}" already exists`, { key });
        await sql.exec(`UPDATE meta_table SET key = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2`, [
          this.ws.id,
          table.id,
          key,
        ]);
      }
      if (body.label !== undefined) {
        if (typeof body.label !== 'string' || !body.label.trim() || body.label.length > 200)
          throw new DomainError('VALIDATION_FAILED', 'label must be non-empty text of at most 200 characters', {
            label: { code: 'INVALID_LABEL', message: '1–200 characters' },
          });
        await sql.exec(`UPDATE meta_table SET label = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2`, [
          this.ws.id,
          table.id,
          body.label.trim(),
        ]);
      }
      if (body.position !== undefined) {
        if (typeof body.position !== 'number' || !Number.isInteger(body.position) || body.position < 0 || body.position > 100_000)
          throw new DomainError('VALIDATION_FAILED', 'position must be a non-negative integer', {
            position: { code: 'INVALID_POSITION', message: 'a non-negative integer' },
          });
        await sql.exec(`UPDATE meta_table SET position = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2`, [
          this.ws.id,
          table.id,
          body.position,
        ]);
      }
      if (body.primaryField !== undefined) {
        const pf = table.fields.find((f) => f.key === body.primaryField || f.id === body.primaryField);
        if (!pf)
          throw new DomainError('VALIDATION_FAILED', 'primaryField must name a field of the table', {
            primaryField: { code: 'UNKNOWN_FIELD', message: 'must name one of the fields' },
          });
        await this.setPrimary(sql, table, pf);
      }
      await this.schema.bump(sql);
    });
    return this.get(table.id);
  }

  async remove(ref: string, actor: RemovalActor = { id: null, address: null }): Promise<void> {
    const table = await this.schema.table(ref);
    await this.db.tx(async (sql) => {
      await this.lockWorkspace(sql);
      // links into this table from others go with it (their pairs live here)
      await this.schema.fresh(sql);
      const all = this.schema.cachedList();
      const links = all.flatMap((other) =>
        other.fields.filter((f) => f.type === 'link' && ((f.options as { table?: string }).table === table.id || other.id === table.id)),
      );
      // lookups, rollups and formulas of other tables that read this one would dangle (and
      // the configuration would no longer round-trip): refused like a field's delete
      const dependants = this.dependantsOfAny(new Set([...(all.find((t) => t.id === table.id)?.fields ?? []), ...links].map((f) => f.id)));
      if (dependants.length) {
        throw new DomainError('CONFLICT', `"${table.key}" is read by ${dependants.join(', ')}; change or delete those first`, {
          dependants,
        });
      }
      await this.roles.followSchemaRemoval(sql, all, { tables: [table.id], fields: links.map((f) => f.id) }, 'table_deleted', actor);
      for (const f of links) {
        await this.links.dropField(sql, f);
        await sql.exec(`DELETE FROM meta_field WHERE workspace_id = $1 AND id = $2`, [this.ws.id, f.id]);
      }
      await sql.exec(`DROP TABLE IF EXISTS ${partitionName(table.id)}`);
      await sql.exec(`DELETE FROM record_index WHERE workspace_id = $1 AND table_id = $2`, [this.ws.id, table.id]);
      await sql.exec(`DELETE FROM meta_table WHERE workspace_id = $1 AND id = $2`, [this.ws.id, table.id]);
      await this.schema.bump(sql);
    });
  }

  async addField(ref: string, body: unknown): Promise<FieldOut> {
    const table = await this.schema.table(ref);
    let field!: FieldMeta;
    await this.db.tx(async (sql) => {
      await this.lockWorkspace(sql);
      field = await this.insertField(sql, table, body);
      if (!table.primaryFieldId && getFieldType(field.type).canBePrimary) await this.setPrimary(sql, table, field);
      await this.schema.bump(sql);
    });
    const t = await this.schema.table(table.id);
    const f = t.fields.find((x) => x.id === field.id)!;
    if (f.searchable) await this.advisor.want(t, f, 'search');
    const out: FieldOut = fieldOut(t, f);
    if (isDerived(f)) out.job = await this.computed.recomputeTable(t);
    return out;
  }

  async updateField(
    ref: string,
    fieldRef: string,
    body: unknown,
    dryRun: boolean,
    user?: { id: string },
  ): Promise<FieldOut | Record<string, unknown>> {
    const table = await this.schema.table(ref);
    const field = this.schema.field(table, fieldRef);
    if (!isPlainObject(body)) throw new DomainError('VALIDATION_FAILED', 'Send an object of field properties');
    // a new type: converted by a job into a new slot (convert-field.service.ts)
    if (typeof body.type === 'string' && body.type !== field.type) return this.convert.changeType(table, field, body, dryRun, user);
    const merged = {
      key: field.key,
      label: field.label,
      type: field.type,
      options: field.options,
      required: field.required,
      unique: field.unique,
      default: field.defaultValue,
      searchable: field.searchable,
      ...body,
    };
    if (isPlainObject(body) && 'position' in body) delete (merged as Record<string, unknown>).position;
    const def = parseFieldDefinition(
      prepareDerived(table, merged, (id) => this.schema.tableById(id), field),
      'update',
      field,
    );
    if (dryRun) return { dryRun: true, field: field.key, changes: Object.keys(body), convertible: true, lost: 0, examples: [] };
    const position = isPlainObject(body) && body.position !== undefined ? body.position : field.position;
    if (typeof position !== 'number' || !Number.isInteger(position) || position < 0)
      throw new DomainError('VALIDATION_FAILED', 'position must be a non-negative integer', {
        position: { code: 'INVALID_POSITION', message: 'a non-negative integer' },
      });
    await this.db.tx(async (sql) => {
      await this.lockWorkspace(sql);
      if (def.key !== field.key) {
        const dup = await sql.query(`SELECT 1 FROM meta_field WHERE workspace_id = $1 AND table_id = $2 AND key = $3`, [
          this.ws.id,
          table.id,
          def.key,
        ]);
        if (dup.length) throw new DomainError('UNIQUE_VIOLATION', `The table already has a field "${def.key}"`, { key: def.key });
      }
      const updated: FieldMeta = {
        ...field,
        key: def.key,
        label: def.label,
        options: def.options,
        required: def.required,
        unique: def.unique,
        defaultValue: def.defaultValue,
        searchable: def.searchable,
      };
      if (def.unique && !field.unique) await this.createUniqueIndex(sql, table, updated);
      if (!def.unique && field.unique) await sql.exec(`DROP INDEX IF EXISTS ${uniqueIndexName(table.id, field.slot)}`);
      await sql.exec(
        `UPDATE meta_field SET key = $3, label = $4, options = $5::jsonb, required = $6, is_unique = $7, default_value = $8::jsonb, searchable = $9, position = $10, updated_at = now()
          WHERE workspace_id = $1 AND id = $2`,
        [
          this.ws.id,
          field.id,
          def.key,
          def.label,
          JSON.stringify(def.options),
          def.required,
          def.unique,
          def.defaultValue === null || def.defaultValue === undefined ? null : JSON.stringify(def.defaultValue),
          def.searchable,
          position,
        ],
      );
      await this.schema.bump(sql);
    });
    const t = await this.schema.table(table.id);
    const f = t.fields.find((x) => x.id === field.id)!;
    if (f.searchable && !field.searchable) await this.advisor.want(t, f, 'search');
    const out: FieldOut = fieldOut(t, f);
    const sourceChanged =
      JSON.stringify({ ...field.options, expression: undefined }) !== JSON.stringify({ ...f.options, expression: undefined });
    if (isDerived(f) && sourceChanged) out.job = await this.computed.recomputeTable(t);
    return out;
  }

  /** Computed fields (any table) whose definition names this field. */
  dependantsOf(field: FieldMeta): string[] {
    return this.dependantsOfAny(new Set([field.id]));
  }

  /** Computed fields, other than those in `gone`, whose definition names a field of `gone`. */
  private dependantsOfAny(gone: ReadonlySet<string>): string[] {
    const names: string[] = [];
    for (const t of this.schema.cachedList()) {
      for (const f of t.fields) {
        if (gone.has(f.id) || !isDerived(f)) continue;
        const options = JSON.stringify(f.options);
        if ([...gone].some((id) => options.includes(id))) names.push(`${t.key}.${f.key}`);
      }
    }
    return names;
  }

  async removeField(ref: string, fieldRef: string, actor: RemovalActor = { id: null, address: null }): Promise<void> {
    const table = await this.schema.table(ref);
    const field = this.schema.field(table, fieldRef);
    const def = getFieldType(field.type);
    const companions = def.companions?.(field) ?? [];
    const dependants = [...this.dependantsOf(field), ...companions.flatMap((id) => this.dependantsOf({ ...field, id }))];
    if (dependants.length) {
      throw new DomainError('CONFLICT', `"${field.key}" is used by ${dependants.join(', ')}; change or delete those first`, { dependants });
    }
    await this.db.tx(async (sql) => {
      await this.lockWorkspace(sql);
      await this.schema.fresh(sql);
      await this.roles.followSchemaRemoval(
        sql,
        this.schema.cachedList(),
        { tables: [], fields: [field.id, ...companions] },
        'field_deleted',
        actor,
      );
      if (field.unique) await sql.exec(`DROP INDEX IF EXISTS ${uniqueIndexName(table.id, field.slot)}`);
      await sql.exec(`DELETE FROM meta_field WHERE workspace_id = $1 AND id = $2`, [this.ws.id, field.id]);
      await def.onRemove?.(field, this.storage(sql, table));
      for (const id of companions) await sql.exec(`DELETE FROM meta_field WHERE workspace_id = $1 AND id = $2`, [this.ws.id, id]);
      if (table.primaryFieldId === field.id) {
        const next = table.fields.find((f) => f.id !== field.id && getFieldType(f.type).canBePrimary);
        await sql.exec(`UPDATE meta_table SET primary_field_id = $3 WHERE workspace_id = $1 AND id = $2`, [
          this.ws.id,
          table.id,
          next?.id ?? null,
        ]);
      }
      await this.advisor.forget(sql, table, field);
      await this.schema.bump(sql);
    });
  }

  /** Serialises schema changes of the workspace (one designer change at a time). */
  private async lockWorkspace(sql: Sql): Promise<void> {
    await sql.query(`SELECT 1 FROM workspace WHERE id = $1 FOR UPDATE`, [this.ws.id]);
  }

  private async setPrimary(sql: Sql, table: TableMeta, field: FieldMeta): Promise<void> {
    if (!getFieldType(field.type).canBePrimary) {
      throw new DomainError('VALIDATION_FAILED', `A ${field.type} field cannot be the primary field`, {
        primaryField: { code: 'NOT_PRIMARY_CAPABLE', message: `${field.type} cannot name a record` },
      });
    }
    await sql.exec(`UPDATE meta_table SET primary_field_id = $3, updated_at = now() WHERE workspace_id = $1 AND id = $2`, [
      this.ws.id,
      table.id,
      field.id,
    ]);
    table.primaryFieldId = field.id;
  }

  /** `peer` is a table not yet in the schema cache that the field may name (a new table's link's inverse). */
  private async insertField(sql: Sql, table: TableMeta, body: unknown, pairOf?: FieldMeta, peer?: TableMeta): Promise<FieldMeta> {
    const byId = (id: string) => (id === table.id ? table : peer && id === peer.id ? peer : this.schema.tableById(id));
    const def = parseFieldDefinition(prepareDerived(table, await this.resolveLinkTarget(table, body, peer), byId), 'create');
    if (table.fields.some((f) => f.key === def.key))
      throw new DomainError('UNIQUE_VIOLATION', `The table already has a field "${def.key}"`, { key: def.key });
    const dup = await sql.query(`SELECT 1 FROM meta_field WHERE workspace_id = $1 AND table_id = $2 AND key = $3`, [
      this.ws.id,
      table.id,
      def.key,
    ]);
    if (dup.length) throw new DomainError('UNIQUE_VIOLATION', `The table already has a field "${def.key}"`, { key: def.key });
    const [slotRow] = await sql.query<{ n: number }>(
      `UPDATE workspace SET next_slot = next_slot + 1 WHERE id = $1 RETURNING next_slot - 1 AS n`,
      [this.ws.id],
    );
    const [pos] = await sql.query<{ n: number }>(
      `SELECT COALESCE(max(position) + 1, 0)::int AS n FROM meta_field WHERE workspace_id = $1 AND table_id = $2`,
      [this.ws.id, table.id],
    );
    const field: FieldMeta = {
      id: uuidv7(),
      tableId: table.id,
      key: def.key,
      label: def.label,
      type: def.type,
      slot: `f${slotRow!.n}`,
      options: def.options,
      required: def.required,
      unique: def.unique,
      defaultValue: def.defaultValue ?? null,
      searchable: def.searchable,
      position: pos!.n,
    };
    await sql.exec(
      `INSERT INTO meta_field (workspace_id, id, table_id, key, label, type, slot, options, required, is_unique, default_value, searchable, position)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11::jsonb, $12, $13)`,
      [
        this.ws.id,
        field.id,
        table.id,
        field.key,
        field.label,
        field.type,
        field.slot,
        JSON.stringify(field.options),
        field.required,
        field.unique,
        field.defaultValue === null ? null : JSON.stringify(field.defaultValue),
        field.searchable,
        field.position,
      ],
    );
    if (field.unique) await this.createUniqueIndex(sql, table, field);
    await getFieldType(field.type).afterCreate?.(field, this.storage(sql, table, body, pairOf));
    return field;
  }

  /** The storage operations a field type's hooks may ask for, inside this transaction (FieldTypeDef.afterCreate, onRemove). */
  private storage(sql: Sql, table: TableMeta, body?: unknown, pairOf?: FieldMeta): FieldStore {
    return {
      pairInverse: (field) => this.pairLink(sql, table, field, body, pairOf),
      numberExisting: (field) => this.autonumbers.backfill(sql, table, field),
      dropLinks: (field) => this.links.dropField(sql, field),
    };
  }

  /** A link's `options.table` may name the table by key or id; stored as the id. */
  private async resolveLinkTarget(table: TableMeta, body: unknown, peer?: TableMeta): Promise<unknown> {
    if (!isPlainObject(body) || body.type !== 'link' || !isPlainObject(body.options)) return body;
    const ref = body.options.table;
    const target =
      typeof ref === 'string'
        ? ref === table.key || ref === table.id
          ? table
          : peer && ref === peer.id
            ? peer
            : this.schema.find(ref)
        : undefined;
    if (!target) {
      throw new DomainError('VALIDATION_FAILED', `The link's table ${JSON.stringify(String(ref ?? '').slice(0, 60))} does not exist`, {
        options: { code: 'UNKNOWN_TABLE', message: 'options.table must name a table' },
      });
    }
    const { pair: _p, side: _s, ...rest } = body.options;
    return { ...body, options: { ...rest, table: target.id } };
  }

  /**
   * Creates the inverse of a new link on the target table (a client's card shows its
   * orders) and points the two at each other. `inverseKey`/`inverseLabel` name it.
   */
  private async pairLink(sql: Sql, table: TableMeta, field: FieldMeta, body: unknown, pairOf?: FieldMeta): Promise<void> {
    if (pairOf) {
      field.options = { ...field.options, pair: pairOf.id, side: 'inverse' };
    } else {
      const opts = isPlainObject(body) && isPlainObject(body.options) ? body.options : {};
      const targetId = (field.options as { table: string }).table;
      const target = targetId === table.id ? table : this.schema.tableById(targetId)!;
      const taken = new Set(
        (
          await sql.query<{ key: string }>(`SELECT key FROM meta_field WHERE workspace_id = $1 AND table_id = $2`, [this.ws.id, target.id])
        ).map((r) => r.key),
      );
      let key = typeof opts.inverseKey === 'string' ? opts.inverseKey : table.key;
      if (typeof opts.inverseKey !== 'string') for (let i = 2; taken.has(key); i++) key = `${table.key}_${i}`;
      const inverse = await this.insertField(
        sql,
        target === table ? { ...table, fields: [...table.fields, field] } : target,
        {
          key,
          label: typeof opts.inverseLabel === 'string' ? opts.inverseLabel : table.label,
          type: 'link',
          options: { table: table.id, multiple: true, onDelete: 'unlink' },
        },
        field,
        { ...table, fields: [...table.fields, field] },
      );
      field.options = { ...field.options, pair: inverse.id, side: 'primary' };
    }
    const clean = Object.fromEntries(Object.entries(field.options).filter(([k]) => k !== 'inverseKey' && k !== 'inverseLabel'));
    field.options = clean;
    await sql.exec(`UPDATE meta_field SET options = $3::jsonb WHERE workspace_id = $1 AND id = $2`, [
      this.ws.id,
      field.id,
      JSON.stringify(clean),
    ]);
  }

  /** Unique among live records; existing duplicates refuse the change with 409. */
  private async createUniqueIndex(sql: Sql, table: TableMeta, field: FieldMeta): Promise<void> {
    const def = getFieldType(field.type);
    if (!def.canBeUnique)
      throw new DomainError('VALIDATION_FAILED', `A ${field.type} field cannot be unique`, {
        unique: { code: 'NOT_UNIQUE_CAPABLE', message: `${field.type} cannot be unique` },
      });
    // the key the index compares (email: lower case), so the duplicate check agrees with it
    const expr = uniqueKeyExpr(field);
    const dups = await this.store.duplicates(sql, table.id, field.slot, expr, 5, SYSTEM);
    if (dups.length) {
      throw new DomainError('UNIQUE_VIOLATION', `"${field.key}" has duplicate values; make them distinct first`, {
        field: field.key,
        examples: dups.map((d) => d.v),
      });
    }
    await sql.exec(createUniqueIndexSql(table.id, field.slot, expr));
  }
}
