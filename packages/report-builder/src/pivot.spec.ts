/** The pivot statement's shape: how groups are keyed, and totals in two steps. */
import { describe, expect, test } from 'vitest';
import { getFieldType, type FieldMeta, type TableMeta } from '@tabula/schema-engine';
import { buildPivotQuery, parsePivotSpec } from './pivot.js';

const TABLE_ID = '0192f0c1-0000-7000-8000-000000000001';
const WORKSPACE_ID = '0192f0c1-0000-7000-8000-0000000000aa';
const field = (key: string, type: string, slot: string, options?: unknown): FieldMeta => ({
  id: `fld-${key}`,
  tableId: TABLE_ID,
  key,
  label: key,
  type,
  slot,
  options: getFieldType(type).parseOptions(options),
  required: false,
  unique: false,
  defaultValue: null,
  searchable: false,
  position: Number(slot.slice(1)),
});
const table: TableMeta = {
  id: TABLE_ID,
  workspaceId: WORKSPACE_ID,
  key: 'probe',
  label: 'Probe',
  primaryFieldId: 'fld-name',
  position: 0,
  fields: [
    field('name', 'text', 'f1'),
    field('status', 'select', 'f2', { choices: [{ value: 'a' }, { value: 'b' }] }),
    field('owner', 'user', 'f3'),
    field('mail', 'email', 'f4'),
    field('active', 'boolean', 'f5'),
    field('qty', 'number', 'f6'),
    field('due', 'date', 'f7'),
    field('price', 'money', 'f8', { currency: 'EUR' }),
  ],
};
const opts = { workspaceId: WORKSPACE_ID, today: () => '2026-11-27', now: () => new Date('2026-11-27T04:00:00Z') };
const sql = (body: unknown) => buildPivotQuery(table, parsePivotSpec(table, body), opts).text;

describe('group keys', () => {
  test.each([
    ['name', 'f1'],
    ['status', 'f2'],
    ['owner', 'f3'],
    ['mail', 'f4'],
  ])('%s (stored as a JSON string) groups by its text, the expression the statistics cover', (key, slot) => {
    expect(sql({ rows: [key], totals: false })).toContain(`SELECT (r.data->>'${slot}') AS g0`);
  });

  test.each([
    ['active', 'f5'],
    ['qty', 'f6'],
  ])('%s groups by the stored JSON value', (key, slot) => {
    expect(sql({ rows: [key], totals: false })).toContain(`SELECT r.data->'${slot}' AS g0`);
  });
});

describe('totals', () => {
  test('are grouping sets over the finest groups, aggregated first', () => {
    const text = sql({
      rows: ['status'],
      columns: [{ field: 'due', bucket: 'month' }],
      values: [
        { fn: 'sum', field: 'price' },
        { fn: 'avg', field: 'qty' },
        { fn: 'min', field: 'qty' },
        { fn: 'count', field: 'qty' },
        { fn: 'count' },
      ],
    });
    expect(text).toContain('sum(x0) AS p0, sum(x1) AS p1, count(x1) AS q1, min(x2) AS p2, count(x3) AS p3, count(*) AS p4');
    expect(text).toContain('GROUP BY g0, g1) t GROUP BY GROUPING SETS ((g0, g1), (g0), (g1), ())');
    expect(text).toContain(
      '(sum(p0))::text AS v0, (round(sum(p1) / nullif(sum(q1), 0), 12))::text AS v1, (min(p2))::text AS v2, (sum(p3))::text AS v3, (sum(p4))::text AS v4',
    );
  });

  test('without totals, or without groups, one aggregate straight over the records', () => {
    const text = sql({ rows: ['status'], values: [{ fn: 'avg', field: 'qty' }], totals: false });
    expect(text).toContain('(round(avg(x0), 12))::text AS v0');
    expect(text).not.toContain(') t ');
    expect(sql({ values: [{ fn: 'avg', field: 'qty' }] })).toMatch(/^SELECT \(round\(avg\(x0\), 12\)\)::text AS v0, 0 AS gs FROM \(SELECT/);
  });
});
