/** What a list asks of the database, for the index advisor, with the expressions the queries use. */
import { describe, expect, test } from 'vitest';
import { ctx, makeField, makeTable, WORKSPACE_ID } from '../testing/fixtures.js';
import { buildListQuery } from './list-query.js';
import { filterIndexExpr, listUsage, sortIndexExpr, statisticsExprs } from './usage.js';

const table = makeTable();
const keys = (fs: { key: string }[]) => fs.map((f) => f.key);

describe('listUsage', () => {
  test('top-level equality, other filters, and the first sort key with its direction', () => {
    const u = listUsage(table, {
      filter: JSON.stringify({
        and: [
          { field: 'status', op: 'eq', value: 'vip' },
          { field: 'due', op: 'gte', value: '2026-01-01' },
          {
            and: [
              { field: 'due', op: 'lte', value: '2026-02-01' },
              { field: 'name', op: 'eq', value: 'a' },
            ],
          },
        ],
      }),
      sort: '-due,name',
    });
    expect(keys(u.eq)).toEqual(['name', 'status']); // slot order: f1, f11
    expect(keys(u.filtered)).toEqual(['due']);
    expect(u.order).toEqual({ field: table.fields.find((f) => f.key === 'due'), desc: true });
  });

  test('equality under or/not, or on a type with its own operator, is not an index prefix', () => {
    const u = listUsage(table, {
      filter: {
        and: [
          { or: [{ field: 'qty', op: 'eq', value: 1 }] },
          { not: { field: 'rate', op: 'gt', value: 1 } },
          { field: 'price', op: 'eq', value: '1' },
          { field: 'at', op: 'eq', value: '2026-11-26' },
        ],
      },
    });
    expect(u.eq).toEqual([]);
    expect(keys(u.filtered)).toEqual(['qty', 'price', 'rate', 'at']);
  });

  test('order: by id when unsorted or sorted by id, none for other system columns or a select', () => {
    expect(listUsage(table, {}).order).toEqual({ desc: false });
    expect(listUsage(table, { sort: '-id' }).order).toEqual({ desc: true });
    expect(listUsage(table, { sort: '-updated_at' }).order).toBeUndefined();
    expect(listUsage(table, { sort: 'status' }).order).toBeUndefined(); // sorts by choice position, a bound parameter
    expect(listUsage(table, { filter: 'not json', sort: 'nope' })).toEqual({ eq: [], filtered: [] });
  });
});

describe('expressions', () => {
  test('are the very expressions of the generated SQL', () => {
    const q = buildListQuery(
      table,
      { filter: { and: [{ field: 'due', op: 'gte', value: '2026-01-01' }] }, sort: '-price' },
      { ...ctx, workspaceId: WORKSPACE_ID },
    );
    const due = table.fields.find((f) => f.key === 'due')!;
    const price = table.fields.find((f) => f.key === 'price')!;
    expect(q.text).toContain(`(${filterIndexExpr(due, 'r')}) >=`);
    expect(q.text).toContain(`ORDER BY ${sortIndexExpr(price, 'r')} DESC NULLS LAST, r.id DESC NULLS LAST`);
  });

  test('statistics: filter and sort expressions, the searched text, the month of a date', () => {
    const f = (key: string) => table.fields.find((x) => x.key === key)!;
    expect(statisticsExprs(f('due'), '')).toEqual([`(data->>'f8') COLLATE "C"`, `left((data->>'f8') COLLATE "C", 7)`]);
    expect(statisticsExprs(f('name'), '')).toEqual([`(data->>'f1') COLLATE "und-x-icu"`, `data->>'f1'`]);
    expect(statisticsExprs(f('notes'), '')).toEqual([
      `(data->>'f2') COLLATE "und-x-icu"`,
      `(left(data->>'f2', 200)) COLLATE "und-x-icu"`,
      `data->>'f2'`,
    ]);
    expect(statisticsExprs(f('tags'), '')).toEqual([]);
  });

  test('a formula uses the expression of its result type (as the sort and filter compilers do)', () => {
    const total = makeField('formula', { expression: '1', resultType: 'number' }, { key: 'total', slot: 'f40' });
    expect(sortIndexExpr(total, '')).toBe(`(data->>'f40')::numeric`);
    expect(filterIndexExpr(total, '')).toBe(`(data->>'f40')::numeric`);
  });
});
