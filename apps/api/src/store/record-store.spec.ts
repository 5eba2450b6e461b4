/**
 * The record store's invariant, checked on the statements themselves: every statement over
 * `record` names the workspace (a bound parameter) and the partition's table id as a
 * literal, so the planner prunes to one partition — except the two over a delete batch,
 * which span tables. Every public method of RecordStore has a case below: a new statement
 * cannot slip past. And a read within a user's rights scope carries the compiled scope,
 * while SYSTEM and an unconditional scope add none.
 */
import { describe, expect, it } from 'vitest';
import { getFieldType, uuidLiteral, type FieldMeta, type TableMeta } from '@tabula/schema-engine';
import type { Sql } from '../database/database.js';
import type { WorkspaceService } from '../workspace/workspace.service.js';
import { partitionName } from '../schema/partition.js';
import { joinRecord, lateralLiveRecord, RecordStore } from './record-store.js';
import { NO_ROWS, rightsScope, SYSTEM } from './row-scope.js';

const WS = '0192f0c1-0000-7000-8000-000000000001';
const TABLE = '0192f0c1-0000-7000-8000-000000000002';
const ID = '0192f0c1-0000-7000-8000-000000000003';

const amount: FieldMeta = {
  id: '0192f0c1-0000-7000-8000-000000000004',
  tableId: TABLE,
  key: 'amount',
  label: 'Amount',
  type: 'number',
  slot: 'f1',
  options: getFieldType('number').parseOptions({}),
  required: false,
  unique: false,
  defaultValue: null,
  searchable: false,
  position: 0,
};
const table: TableMeta = {
  id: TABLE,
  workspaceId: WS,
  key: 'orders',
  label: 'Orders',
  primaryFieldId: null,
  position: 0,
  fields: [amount],
};

function recorder(): { sql: Sql; texts: string[]; values: unknown[][] } {
  const texts: string[] = [];
  const values: unknown[][] = [];
  const sql: Sql = {
    async query<T>(text: string, v: unknown[] = []) {
      texts.push(text);
      values.push(v);
      return [{ n: 0, now: '', id: ID, v: null, last: null, changed: [], rest: [], delete_batch: null }] as T[];
    },
    async exec(text: string, v: unknown[] = []) {
      texts.push(text);
      values.push(v);
      return 0;
    },
  };
  return { sql, texts, values };
}

const ws = {
  id: WS,
  valueContext: () => ({ timeZone: 'UTC', now: () => new Date(), today: () => '2026-01-01' }),
} as unknown as WorkspaceService;
const store = new RecordStore(ws);
/** The statements the store builds for others to run (list, pivot, one record), run as they are. */
const run = (sql: Sql, q: { text: string; values: unknown[] }) => sql.query(q.text, q.values);
const scoped = rightsScope({ field: 'amount', op: 'gt', value: 10 });

/**
 * One call per public method; `batch` marks the statements over a delete batch (every
 * table), `ddl` a lock of the partition itself.
 */
const cases: Record<string, { run: (sql: Sql) => Promise<unknown>; batch?: boolean; ddl?: boolean }> = {
  listQuery: { run: (sql) => run(sql, store.listQuery(table, {}, SYSTEM)) },
  pivotQuery: {
    run: (sql) =>
      run(sql, store.pivotQuery(table, { rows: [], columns: [], values: [{ fn: 'count' }], totals: false } as never, SYSTEM, {})),
  },
  oneQuery: { run: (sql) => run(sql, store.oneQuery(table, ID, SYSTEM)) },
  fetch: { run: (sql) => store.fetch(sql, table, ID, SYSTEM, { forUpdate: true }) },
  idsWithin: { run: (sql) => store.idsWithin(sql, table, [ID], scoped, { live: true }) },
  rowsById: { run: (sql) => store.rowsById(sql, table, [ID], SYSTEM) },
  images: { run: (sql) => store.images(sql, table, [ID], SYSTEM) },
  usedIds: { run: (sql) => store.usedIds(sql, [table], [ID], SYSTEM) },
  deleteBatch: { run: (sql) => store.deleteBatch(sql, table, ID, SYSTEM) },
  trashedInBatch: { run: (sql) => store.trashedInBatch(sql, ID, SYSTEM), batch: true },
  countLive: { run: (sql) => store.countLive(sql, table, SYSTEM) },
  lockLive: { run: (sql) => store.lockLive(sql, table, [ID], SYSTEM) },
  lockLivePage: { run: (sql) => store.lockLivePage(sql, table, ID, 10, SYSTEM) },
  liveValues: { run: (sql) => store.liveValues(sql, table, [ID], 'f1', SYSTEM) },
  liveByCreation: { run: (sql) => store.liveByCreation(sql, table, SYSTEM) },
  insert: { run: (sql) => store.insert(sql, table, [{ id: ID, data: {} }], ID) },
  update: { run: (sql) => store.update(sql, table, ID, {}, ID) },
  bumpVersions: { run: (sql) => store.bumpVersions(sql, table, [ID], ID) },
  mergeData: { run: (sql) => store.mergeData(sql, table, [{ id: ID, data: {} }], { stripNulls: true }) },
  trash: { run: (sql) => store.trash(sql, table, [ID], ID, ID) },
  restoreBatch: { run: (sql) => store.restoreBatch(sql, ID, ID), batch: true },
  restoreOne: { run: (sql) => store.restoreOne(sql, table, ID, ID) },
  purgeTrash: { run: (sql) => store.purgeTrash(sql, table) },
  recomputeInSql: {
    run: (sql) =>
      store.recomputeInSql(
        sql,
        table,
        { slot: 'f1', value: '1', guard: 'true', laterals: '', stored: 'to_jsonb(b.v)' },
        undefined,
        10,
        SYSTEM,
      ),
  },
  sizeNow: { run: (sql) => store.sizeNow(sql, TABLE, SYSTEM) },
  slotBatch: {
    run: (sql) =>
      store.slotBatch(
        sql,
        TABLE,
        { slot: 'f1', restoreSlot: 'f2', after: null, since: '2026-01-01', marginSeconds: 30, limit: 10 },
        SYSTEM,
      ),
  },
  setSlot: { run: (sql) => store.setSlot(sql, TABLE, 'f1', [{ id: ID, v: 1 }]) },
  clearSlotBatch: { run: (sql) => store.clearSlotBatch(sql, TABLE, 'f1', null, 10, SYSTEM) },
  tallySlots: {
    run: (sql) => store.tallySlots(sql, TABLE, { slot: 'f1', fromSlot: 'f2', restoreSlot: null, after: null, limit: 10 }, SYSTEM),
  },
  duplicates: { run: (sql) => store.duplicates(sql, TABLE, 'f1', "(data->>'f1')", 5, SYSTEM) },
  lockAgainstWrites: { run: (sql) => store.lockAgainstWrites(sql, TABLE), ddl: true },
};

describe('RecordStore', () => {
  it('has a case for every public method', () => {
    const methods = Object.getOwnPropertyNames(RecordStore.prototype).filter((m) => m !== 'constructor');
    expect(Object.keys(cases).sort()).toEqual(methods.sort());
  });

  it.each(Object.entries(cases))('%s names the workspace and the partition literal', async (_name, c) => {
    const { sql, texts, values } = recorder();
    await c.run(sql);
    expect(texts.length).toBeGreaterThan(0);
    texts.forEach((text, i) => {
      if (c.ddl) return expect(text).toContain(partitionName(TABLE));
      expect(text).toMatch(/\brecord\b/);
      expect(text).toContain('workspace_id');
      expect(values[i]).toContain(WS);
      if (c.batch) expect(text).toMatch(/delete_batch = \$\d/);
      else expect(text).toContain(uuidLiteral(TABLE));
    });
  });

  it('compiles a rights scope into the WHERE clause; SYSTEM and an unconditional scope add nothing', async () => {
    const texts = async (scope: Parameters<RecordStore['fetch']>[3]) => {
      const r = recorder();
      await store.fetch(r.sql, table, ID, scope);
      await store.idsWithin(r.sql, table, [ID], scope, { live: false });
      return r.texts;
    };
    const [system, all, some, none] = [await texts(SYSTEM), await texts(rightsScope(undefined)), await texts(scoped), await texts(NO_ROWS)];
    expect(all).toEqual(system);
    for (const [i, text] of some.entries()) {
      expect(text.length).toBeGreaterThan(system[i]!.length);
      expect(text).toContain("r.data->>'f1'");
    }
    for (const [i, text] of none.entries()) expect(text).not.toEqual(system[i]);
  });

  it('joins name the workspace and the partition literal too', () => {
    for (const text of [joinRecord('t', TABLE, 'to_id', SYSTEM, { live: true }), lateralLiveRecord('t', TABLE, 'to_id', SYSTEM)]) {
      expect(text).toContain('t.workspace_id = l.workspace_id');
      expect(text).toContain(`t.table_id = ${uuidLiteral(TABLE)}`);
      expect(text).toContain('t.deleted_at IS NULL');
    }
    expect(joinRecord('h', TABLE, 'from_id', SYSTEM, { live: false })).not.toContain('deleted_at');
  });
});
