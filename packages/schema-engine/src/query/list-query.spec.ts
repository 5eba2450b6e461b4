/** A page of records: sort, keyset cursors, limit/offset, quick search, scope and count. */
import { describe, expect, test } from 'vitest';
import { DomainError } from '../errors.js';
import { ctx, makeTable, TABLE_ID, WORKSPACE_ID } from '../testing/fixtures.js';
import type { FieldMeta } from '../types.js';
import { buildListQuery, DEFAULT_LIMIT, parseLimit, parseOffset, type ListOptions } from './list-query.js';
import { compileSort, decodeCursor, encodeCursor, MAX_CURSOR_LENGTH } from './sort-compiler.js';
import { SqlBuilder } from './sql-builder.js';

const table = makeTable();
const opts: ListOptions = { ...ctx, workspaceId: WORKSPACE_ID };

function errorOf(fn: () => unknown): { code: string; details?: unknown } {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return { code: e.code, details: e.details };
    throw e;
  }
  throw new Error('expected a DomainError');
}

const sortOf = (sort: unknown, canRead?: (f: FieldMeta) => boolean) => {
  const sql = new SqlBuilder();
  const keys = compileSort(table, sort, { alias: 'r', sql, canRead });
  return { keys: keys.map((k) => `${k.expr} ${k.desc ? 'DESC' : 'ASC'} ::${k.cast}`), values: sql.values };
};

describe('sort', () => {
  test("always ends in id, NULLs last; id follows the first key's direction (an index in that direction serves it)", () => {
    const q = buildListQuery(table, { sort: '-qty,name' }, opts);
    expect(q.text).toContain(
      `ORDER BY (r.data->>'f3')::numeric DESC NULLS LAST, (r.data->>'f1') COLLATE "und-x-icu" ASC NULLS LAST, r.id DESC NULLS LAST LIMIT 51`,
    );
    expect(buildListQuery(table, { sort: 'qty,-name' }, opts).text).toContain(`r.id ASC NULLS LAST LIMIT 51`);
    expect(buildListQuery(table, { sort: '-qty,id' }, opts).text).toContain(`DESC NULLS LAST, r.id ASC NULLS LAST LIMIT 51`);
    expect(buildListQuery(table, {}, opts).text).toContain(`ORDER BY r.id ASC NULLS LAST LIMIT 51`);
  });

  test('typed expressions and cursor casts per type', () => {
    expect(sortOf('price,at,due,active,spent').keys).toEqual([
      `((r.data->'f4'->>'a'))::numeric ASC ::numeric`,
      `(r.data->>'f9') COLLATE "C" ASC ::text`,
      `(r.data->>'f8') COLLATE "C" ASC ::text`,
      `(r.data->>'f7')::boolean ASC ::boolean`,
      `(r.data->>'f10')::numeric ASC ::numeric`,
      `r.id ASC ::uuid`,
    ]);
  });

  test('select sorts by choice order, the ids bound as one text[] parameter', () => {
    expect(sortOf('-status')).toEqual({
      keys: [`array_position($1::text[], r.data->>'f11') DESC ::numeric`, 'r.id DESC ::uuid'],
      values: [['c1', 'c2', 'c3']],
    });
  });

  test('long text sorts by its first 200 characters', () => {
    expect(sortOf('notes').keys[0]).toBe(`(left(r.data->>'f2', 200)) COLLATE "und-x-icu" ASC ::text`);
  });

  test('system columns', () => {
    expect(sortOf('-updated_at,version').keys).toEqual(['r.updated_at DESC ::timestamptz', 'r.version ASC ::int', 'r.id DESC ::uuid']);
  });

  test('id decides where it stands: keys after it are checked but unused', () => {
    expect(sortOf('-id,name').keys).toEqual(['r.id DESC ::uuid']);
    expect(sortOf('name,-id').keys).toEqual([`(r.data->>'f1') COLLATE "und-x-icu" ASC ::text`, 'r.id DESC ::uuid']);
    expect(errorOf(() => sortOf('id,nope')).code).toBe('UNKNOWN_FIELD');
  });

  test.each([['tags'], ['assignee']])('%s is not sortable', (key) => {
    expect(errorOf(() => sortOf(key))).toMatchObject({ code: 'VALIDATION_FAILED', details: { sort: { code: 'NOT_SORTABLE' } } });
  });

  test.each([['name desc'], ['name;DROP TABLE record'], ['"name"'], ['f1'], ['r.id'], ['(select 1)'], ['__proto__']])(
    'SQL-looking sort key %j → UNKNOWN_FIELD',
    (sort) => {
      expect(errorOf(() => sortOf(sort)).code).toBe('UNKNOWN_FIELD');
    },
  );

  test('too many keys, non-text sort', () => {
    expect(errorOf(() => sortOf('a,b,c,d,e,f')).details).toMatchObject({ sort: { code: 'TOO_MANY_SORT_KEYS' } });
    expect(errorOf(() => sortOf(['name'])).details).toMatchObject({ sort: { code: 'INVALID_SORT' } });
  });
});

describe('keyset cursors', () => {
  test('round trip: the next page starts after the last row (id is never empty: no IS NULL branch)', () => {
    const first = buildListQuery(table, { sort: '-price,name', limit: 2 }, opts);
    const row = { _s0: '100.00', _s1: null, _s2: '0192f0c1-0000-7000-8000-000000000009' };
    const cursor = first.cursorFrom(row);
    expect(decodeCursor(first.sortKeys, cursor)).toEqual(['100.00', null, row._s2]);

    const next = buildListQuery(table, { sort: '-price,name', limit: 2, after: cursor }, opts);
    const p = `((r.data->'f4'->>'a'))::numeric`;
    expect(next.text).toContain(
      `AND (((${p} < $2::numeric OR ${p} IS NULL)) OR (${p} = $3::numeric AND FALSE) OR (${p} = $4::numeric AND (r.data->>'f1') COLLATE "und-x-icu" IS NULL AND r.id < $5::uuid))`,
    );
    expect(next.values).toEqual([WORKSPACE_ID, '100.00', '100.00', '100.00', row._s2]);
    expect(next.countValues).toEqual([WORKSPACE_ID]);
  });

  test.each([
    ['not base64 json', 'not-a-cursor'],
    [
      'another sort',
      encodeCursor(compileSort(table, 'name', { alias: 'r', sql: new SqlBuilder() }), ['a', '0192f0c1-0000-7000-8000-000000000009']),
    ],
    [
      'a non-numeric value for a numeric key',
      Buffer.from(
        JSON.stringify({ s: '-price,name,id', v: ['1; DROP TABLE record', null, '0192f0c1-0000-7000-8000-000000000009'] }),
      ).toString('base64url'),
    ],
    ['a bad uuid', Buffer.from(JSON.stringify({ s: '-price,name,id', v: ['1', null, "x' OR '1'='1"] })).toString('base64url')],
    ['too few values', Buffer.from(JSON.stringify({ s: '-price,name,id', v: ['1'] })).toString('base64url')],
    [
      'an object value',
      Buffer.from(JSON.stringify({ s: '-price,name,id', v: [{ a: 1 }, null, '0192f0c1-0000-7000-8000-000000000009'] })).toString(
        'base64url',
      ),
    ],
    ['too long', 'A'.repeat(MAX_CURSOR_LENGTH + 1)],
  ])('a tampered cursor (%s) is refused', (_why, after) => {
    expect(errorOf(() => buildListQuery(table, { sort: '-price,name', after }, opts))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { after: { code: 'INVALID_CURSOR' } },
    });
  });

  test('a 1000-character CJK text value still makes a usable cursor', () => {
    const q = buildListQuery(table, { sort: 'name' }, opts);
    const cursor = q.cursorFrom({ _s0: '漢'.repeat(1000), _s1: '0192f0c1-0000-7000-8000-000000000009' });
    expect(() => buildListQuery(table, { sort: 'name', after: cursor }, opts)).not.toThrow();
  });

  test('after and offset together are refused', () => {
    const q = buildListQuery(table, {}, opts);
    const after = q.cursorFrom({ _s0: '0192f0c1-0000-7000-8000-000000000009' });
    expect(errorOf(() => buildListQuery(table, { after, offset: 10 }, opts)).details).toMatchObject({
      after: { code: 'AFTER_WITH_OFFSET' },
    });
  });
});

describe('limit and offset', () => {
  test.each([
    [undefined, DEFAULT_LIMIT],
    ['', DEFAULT_LIMIT],
    ['1', 1],
    [1000, 1000],
    ['1000', 1000],
  ])('limit %j → %i', (raw, want) => {
    expect(parseLimit(raw)).toBe(want);
  });

  test.each([['0'], ['1001'], [-1], ['-1'], ['1.5'], [2.5], ['abc'], ['1e3'], [' 5'], [true], [[10]]])('limit %j is refused', (raw) => {
    expect(errorOf(() => parseLimit(raw)).details).toMatchObject({ limit: { code: 'INVALID_LIMIT' } });
  });

  test.each([
    [undefined, 0],
    ['0', 0],
    ['10000', 10000],
  ])('offset %j → %i', (raw, want) => {
    expect(parseOffset(raw)).toBe(want);
  });

  test.each([['10001'], [-1], ['x'], [1.5]])('offset %j is refused', (raw) => {
    expect(errorOf(() => parseOffset(raw)).details).toMatchObject({ offset: { code: 'INVALID_OFFSET' } });
  });

  test('the page asks for one row more, and the offset', () => {
    expect(buildListQuery(table, { limit: '20', offset: '40' }, opts).text).toMatch(/ LIMIT 21 OFFSET 40$/);
  });
});

describe('the whole query', () => {
  test('base scope, rights scope, filter, search, count', () => {
    const q = buildListQuery(
      table,
      { filter: JSON.stringify({ field: 'qty', op: 'gt', value: 5 }), q: ' ana ', sort: 'name' },
      { ...opts, scope: { field: 'owner', op: 'eq', value: WORKSPACE_ID }, canRead: (f) => f.key !== 'email' },
    );
    const where =
      `r.workspace_id = $1::uuid AND r.table_id = '${TABLE_ID}'::uuid AND r.deleted_at IS NULL AND r.owner_id = $2::uuid ` +
      `AND ((r.data->>'f3')::numeric) > $3::numeric AND ((r.data->>'f1') ILIKE $4)`;
    expect(q.text).toBe(
      `SELECT r.id, r.version, r.data, r.owner_id, r.created_at, r.updated_at, r.deleted_at, ` +
        `((r.data->>'f1') COLLATE "und-x-icu")::text AS _s0, (r.id)::text AS _s1 FROM record r WHERE ${where} ` +
        `ORDER BY (r.data->>'f1') COLLATE "und-x-icu" ASC NULLS LAST, r.id ASC NULLS LAST LIMIT 51`,
    );
    expect(q.values).toEqual([WORKSPACE_ID, WORKSPACE_ID, '5', '%ana%']);
    expect(q.countText).toBe(`SELECT count(*)::int AS n FROM (SELECT 1 FROM record r WHERE ${where} LIMIT 100001) c`);
    expect(q.countValues).toEqual(q.values);
  });

  test('the rights scope may test a field the reader cannot read; the user filter may not', () => {
    const canRead = (f: FieldMeta) => f.key !== 'price';
    const scope = { field: 'price', op: 'lt', value: 1000 };
    expect(() => buildListQuery(table, {}, { ...opts, scope, canRead })).not.toThrow();
    expect(errorOf(() => buildListQuery(table, { filter: scope }, { ...opts, canRead })).code).toBe('UNKNOWN_FIELD');
  });

  test('quick search uses the marked fields, escapes wildcards, and never the select ids', () => {
    const q = buildListQuery(table, { q: '100%' }, opts);
    expect(q.text).toContain(`((r.data->>'f1') ILIKE $2 OR (r.data->>'f13') ILIKE $2)`);
    expect(q.values).toEqual([WORKSPACE_ID, '%100\\%%']);
  });

  test('quick search looks for the NFC form stored text has', () => {
    expect(buildListQuery(table, { q: ' cafe\u0301 ' }, opts).values).toEqual([WORKSPACE_ID, '%caf\u00e9%']);
  });

  test('a filter that is not JSON is INVALID_FILTER', () => {
    expect(errorOf(() => buildListQuery(table, { filter: '{"field":' }, opts)).code).toBe('INVALID_FILTER');
  });

  test('the time zone reaches date-time filters', () => {
    const q = buildListQuery(
      table,
      { filter: { field: 'at', op: 'eq', value: { relative: 'today' } } },
      { ...opts, timeZone: 'Asia/Tokyo' },
    );
    expect(q.values.slice(1)).toEqual(['2026-11-25T15:00:00.000Z', '2026-11-26T15:00:00.000Z']);
  });

  test('a class instance as options keeps its methods bound', () => {
    class Clock {
      workspaceId = WORKSPACE_ID;
      private readonly day = '2026-11-26';
      today() {
        return this.day;
      }
      now() {
        return new Date(`${this.day}T00:00:00Z`);
      }
    }
    const q = buildListQuery(table, { filter: { field: 'due', op: 'eq', value: { relative: 'today' } } }, new Clock());
    expect(q.values[1]).toBe('2026-11-26');
  });
});
