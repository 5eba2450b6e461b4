/**
 * Property: for random rules and random records, the SQL-compiled scope selects exactly the
 * records that CASL allows in memory — both over stored rows (the read path) and over a
 * recordset of images (the write check). Runs on an in-process PGlite with a probe table
 * shaped like `record`. Numbers are JavaScript numbers and always present, text is compared
 * only for (in)equality: where CASL itself is wrong (strings "100.00" < "9.99", a missing
 * value "less than" anything, collation) SQL is the authority, see the last test.
 */
import { PGlite } from '@electric-sql/pglite';
import { createMongoAbility, subject as asSubject } from '@casl/ability';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildWhere } from '../query/list-query.js';
import { SqlBuilder } from '../query/sql-builder.js';
import { decodeRecordInput } from '../record-codec.js';
import { ctx, makeTable, TABLE_ID, WORKSPACE_ID } from '../testing/fixtures.js';
import { tableRights } from './compile-rules.js';
import { imagesOutsideScope } from './row-check.js';
import type { RuleUser } from './rule-types.js';
import { parseRules } from './validate-rules.js';

const table = makeTable();
const ME = '0192f0c1-0000-7000-8000-0000000000e1';
const OTHER = '0192f0c1-0000-7000-8000-0000000000e2';
const user: RuleUser = { id: ME, attributes: { region: 'north', level: 2 }, groups: ['sales', 'north'] };

let db: PGlite;

beforeAll(async () => {
  db = await PGlite.create('memory://');
  await db.exec(`CREATE TABLE record (
    workspace_id uuid NOT NULL, table_id uuid NOT NULL, id uuid NOT NULL, data jsonb NOT NULL DEFAULT '{}',
    version integer NOT NULL DEFAULT 1, owner_id uuid, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz, PRIMARY KEY (workspace_id, table_id, id))`);
}, 60_000);

afterAll(async () => {
  await db?.close();
});

// ---- generators -------------------------------------------------------------------------

const NAMES = ['north', 'south', 'North', 'ăla', 'sales', 'x'];
const QTYS = [-2, 0, 0.5, 1, 1.25, 2, 10, 100];
const STATUSES = ['vip', 'regular', 'gone'];

const recordArb = fc.record({
  name: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
  qty: fc.constantFrom(...QTYS),
  status: fc.option(fc.constantFrom(...STATUSES), { nil: undefined }),
  tags: fc.subarray(STATUSES),
  owner: fc.constantFrom(ME, OTHER, null),
});
type Rec = typeof recordArb extends fc.Arbitrary<infer R> ? R : never;

const listOf = <T>(a: fc.Arbitrary<T>) => fc.uniqueArray(a, { minLength: 0, maxLength: 3 });
const nameValue = fc.constantFrom(...NAMES, '$me.region');
const conditionArbs: Record<string, fc.Arbitrary<unknown>> = {
  name: fc.oneof(
    nameValue,
    nameValue.map((v) => ({ $eq: v })),
    nameValue.map((v) => ({ $ne: v })),
    listOf(fc.constantFrom(...NAMES)).map((v) => ({ $in: v })),
    fc.constant({ $in: '$myGroups' }),
    listOf(fc.constantFrom(...NAMES)).map((v) => ({ $nin: v })),
    fc.boolean().map((v) => ({ $exists: v })),
  ),
  qty: fc.oneof(
    fc.constantFrom(...QTYS),
    fc
      .record({ op: fc.constantFrom('$eq', '$ne', '$lt', '$lte', '$gt', '$gte'), v: fc.constantFrom(...QTYS, '$me.level') })
      .map(({ op, v }) => ({ [op]: v })),
    fc.tuple(fc.constantFrom(...QTYS), fc.constantFrom(...QTYS)).map(([a, b]) => ({ $gt: a, $lte: b })),
    listOf(fc.constantFrom(...QTYS)).map((v) => ({ $in: v })),
    listOf(fc.constantFrom(...QTYS)).map((v) => ({ $nin: v })),
  ),
  status: fc.oneof(
    fc.constantFrom(...STATUSES),
    fc.constantFrom(...STATUSES).map((v) => ({ $ne: v })),
    listOf(fc.constantFrom(...STATUSES)).map((v) => ({ $in: v })),
    listOf(fc.constantFrom(...STATUSES)).map((v) => ({ $nin: v })),
    fc.boolean().map((v) => ({ $exists: v })),
  ),
  tags: fc.oneof(
    listOf(fc.constantFrom(...STATUSES)).map((v) => ({ $in: v })),
    listOf(fc.constantFrom(...STATUSES)).map((v) => ({ $nin: v })),
    fc.boolean().map((v) => ({ $exists: v })),
  ),
  owner: fc.oneof(
    fc.constant('$me'),
    fc.constant({ $ne: '$me' }),
    fc.constant({ $in: ['$me', OTHER] }),
    fc.constant({ $nin: ['$me'] }),
    fc.boolean().map((v) => ({ $exists: v })),
  ),
};

const ruleArb = fc
  .record({
    action: fc.constantFrom('read', 'manage', 'update'),
    subject: fc.constantFrom('probe', 'all'),
    inverted: fc.boolean(),
    keys: fc.subarray(Object.keys(conditionArbs), { maxLength: 3 }),
  })
  .chain(({ action, subject, inverted, keys }) => {
    const usable = subject === 'all' ? keys.filter((k) => k === 'owner') : keys;
    return fc.record(Object.fromEntries(usable.map((k) => [k, conditionArbs[k]!]))).map((conditions) => ({
      action,
      subject,
      ...(inverted ? { inverted } : {}),
      ...(Object.keys(conditions).length ? { conditions } : {}),
    }));
  });

// ---- the reference: CASL in memory ---------------------------------------------------------

/** An independent substitution of the placeholders, for CASL. */
function bind(v: unknown): unknown {
  if (v === '$me') return ME;
  if (v === '$me.region') return user.attributes.region;
  if (v === '$me.level') return user.attributes.level;
  if (v === '$myGroups') return user.groups;
  if (Array.isArray(v)) return v.map(bind);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, bind(x)]));
  return v;
}

function caslAllows(rules: { inverted?: boolean }[], rec: Rec & { id: string }): boolean {
  // every cannot after every can: CASL's "last rule wins" then agrees with "deny wins"
  const ordered = [...rules.filter((r) => !r.inverted), ...rules.filter((r) => r.inverted)].map(bind);
  const ability = createMongoAbility(ordered as never);
  const obj: Record<string, unknown> = { id: rec.id, qty: rec.qty };
  if (rec.name !== undefined) obj.name = rec.name;
  if (rec.status !== undefined) obj.status = rec.status;
  if (rec.tags.length) obj.tags = rec.tags;
  if (rec.owner !== null) obj.owner = rec.owner;
  return ability.can('read', asSubject('probe', obj) as never);
}

// ---- the property ----------------------------------------------------------------------------

const idOf = (i: number) => `0192f0c1-0000-7000-8000-${String(i + 1).padStart(12, '0')}`;

async function sqlAllowed(rules: unknown[], recs: (Rec & { id: string })[]) {
  const rights = tableRights(parseRules(rules, [table], ctx), table, 'read', user, ctx);
  const sql = new SqlBuilder();
  const where = buildWhere(table, {}, { ...ctx, workspaceId: WORKSPACE_ID, scope: rights.scope }, sql);
  const read = (await db.query<{ id: string }>(`SELECT r.id FROM record r WHERE ${where}`, sql.values)).rows.map((r) => r.id);
  const images = recs.map((r) => ({ id: r.id, data: dataOf(r), owner_id: r.owner }));
  const check = imagesOutsideScope(table, rights.scope, images, ctx);
  const outside = new Set((await db.query<{ id: string }>(check.text, check.values)).rows.map((r) => r.id));
  return { read: new Set(read), written: new Set(recs.map((r) => r.id).filter((id) => !outside.has(id))) };
}

function dataOf(r: Rec): Record<string, unknown> {
  return decodeRecordInput(table, { name: r.name ?? null, qty: r.qty, status: r.status ?? null, tags: r.tags }, ctx, { mode: 'update' });
}

describe('rules compiled to SQL select exactly what CASL allows', () => {
  test('random rules × random records', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(ruleArb, { minLength: 0, maxLength: 4 }),
        fc.array(recordArb, { minLength: 1, maxLength: 12 }),
        async (generated, raw) => {
          const rules = JSON.parse(JSON.stringify(generated)) as { inverted?: boolean }[]; // as they arrive over HTTP
          const recs = raw.map((r, i) => ({ ...r, id: idOf(i) }));
          await db.exec('DELETE FROM record');
          for (const r of recs) {
            await db.query(`INSERT INTO record (workspace_id, table_id, id, data, owner_id) VALUES ($1, $2, $3, $4::jsonb, $5)`, [
              WORKSPACE_ID,
              TABLE_ID,
              r.id,
              JSON.stringify(dataOf(r)),
              r.owner,
            ]);
          }
          const expected = new Set(recs.filter((r) => caslAllows(rules, r)).map((r) => r.id));
          const got = await sqlAllowed(rules, recs);
          expect([...got.read].sort()).toEqual([...expected].sort());
          expect([...got.written].sort()).toEqual([...expected].sort());
        },
      ),
      { numRuns: 300 },
    );
  }, 120_000);

  test('where CASL in memory is wrong, the compiled SQL is right', async () => {
    // money and decimal strings: CASL compares "100.00" and "9.99" as strings
    const probe = createMongoAbility([{ action: 'read', subject: 'probe', conditions: { price: { $gt: '9.99' } } }] as never);
    expect(probe.can('read', asSubject('probe', { price: '100.00' }) as never)).toBe(false);
    const rules = [{ action: 'read', subject: 'probe', conditions: { price: { $gt: '9.99' } } }];
    const rights = tableRights(parseRules(rules, [table], ctx), table, 'read', user, ctx);
    const images = [
      { id: idOf(0), data: decodeRecordInput(table, { price: '100.00' }, ctx, { mode: 'update' }), owner_id: null },
      { id: idOf(1), data: decodeRecordInput(table, { price: '9.99' }, ctx, { mode: 'update' }), owner_id: null },
      { id: idOf(2), data: {}, owner_id: null },
    ];
    const check = imagesOutsideScope(table, rights.scope, images, ctx);
    const outside = (await db.query<{ id: string }>(check.text, check.values)).rows.map((r) => r.id).sort();
    expect(outside).toEqual([idOf(1), idOf(2)]);
    // a missing number is not "less than" anything (CASL says it is)
    const lt = tableRights(
      parseRules([{ action: 'read', subject: 'probe', conditions: { qty: { $lt: 5 } } }], [table], ctx),
      table,
      'read',
      user,
      ctx,
    );
    const c2 = imagesOutsideScope(table, lt.scope, [{ id: idOf(3), data: {}, owner_id: null }], ctx);
    expect((await db.query(c2.text, c2.values)).rows.length).toBe(1);
  });
});
