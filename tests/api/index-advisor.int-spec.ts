/**
 * The index advisor: a list shape used repeatedly becomes an index in the very order the
 * list uses (descending with NULLs last for a descending sort, composite for an equality
 * filter with a sort), with expression statistics (the month of a date too) and an ANALYZE
 * once built; the planner can then serve the page from the index without sorting, and quick
 * search from the trigram index. Dropping a field drops what reads it.
 * Runs on PGlite, and on PostgreSQL when DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexAdvisor } from '@tabula/api/jobs/index-advisor.service.js';
import { SchemaService } from '@tabula/api/schema/schema.service.js';
import { WorkspaceService } from '@tabula/api/workspace/workspace.service.js';
import { buildListQuery, searchCondition, SqlBuilder, type ListParams } from '@tabula/schema-engine';
import { Client, q, setupAdmin, startTabula, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let api: Client;
let advisor: IndexAdvisor;
let part: string;

const CATEGORIES = ['tools', 'parts', 'labour'];
const PAGE = {
  filter: {
    and: [
      { field: 'category', op: 'eq', value: 'parts' },
      { field: 'date', op: 'gte', value: '2026-02-01' },
      { field: 'date', op: 'lte', value: '2026-05-31' },
    ],
  },
  sort: '-date',
  limit: '10',
};

async function sql<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
  return server.tabula.db.query<T>(text, values);
}

/** The plan of a list query with sequential (and, for the page, bitmap) scans off: can an index serve it, in order? */
async function plan(params: ListParams, which: 'text' | 'countText' = 'text'): Promise<string> {
  const table = await server.tabula.app.get(SchemaService).table('lines');
  const ws = server.tabula.app.get(WorkspaceService);
  const lq = buildListQuery(table, params, { workspaceId: ws.id, ...ws.valueContext() });
  return server.tabula.db.tx(async (tx) => {
    await tx.exec('SET LOCAL enable_seqscan = off');
    if (which === 'text') await tx.exec('SET LOCAL enable_bitmapscan = off');
    const rows = await tx.query<Record<string, unknown>>(
      `EXPLAIN ${which === 'text' ? lq.text : lq.countText}`,
      which === 'text' ? lq.values : lq.countValues,
    );
    return rows.map((r) => String(Object.values(r)[0])).join('\n');
  });
}

class Rollback extends Error {}

async function indexes(): Promise<Map<string, string>> {
  const rows = await sql<{ indexname: string; indexdef: string }>(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1`, [
    part,
  ]);
  return new Map(rows.map((r) => [r.indexname, r.indexdef]));
}

beforeAll(async () => {
  // no poller: the test builds the wishes itself
  server = await startTabula({ jobs: false });
  api = await setupAdmin(server.url);
  advisor = server.tabula.app.get(IndexAdvisor);
  const t = await api.post('/api/tables', {
    key: 'lines',
    label: 'Lines',
    primaryField: 'description',
    fields: [
      { key: 'description', label: 'Description', type: 'text', searchable: true },
      { key: 'category', label: 'Category', type: 'select', options: { choices: CATEGORIES.map((value) => ({ value })) } },
      { key: 'date', label: 'Date', type: 'date' },
      { key: 'price', label: 'Price', type: 'money', options: { currency: 'EUR' } },
    ],
  });
  expect(t.status, JSON.stringify(t.body)).toBe(201);
  part = `rec_${String(t.body.id).replace(/-/g, '')}`;
  const records = Array.from({ length: 240 }, (_, i) => ({
    data: {
      description: `${['red', 'blue', 'green'][i % 3]} valve ${i}`,
      category: CATEGORIES[i % 3],
      ...(i % 17 === 0 ? {} : { date: `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}` }),
      ...(i % 13 === 0 ? {} : { price: String((i * 7) % 100) + '.50' }),
    },
  }));
  const r = await api.post('/api/tables/lines/records', { records });
  expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(201);
  await advisor.buildWanted(); // the primary field's and the search index, wanted at creation
});

afterAll(async () => {
  await server?.close();
});

describe('index advisor', () => {
  it('builds a composite index in the direction of a descending sort, with statistics and an ANALYZE', async () => {
    for (let i = 0; i < 3; i++) expect((await api.get('/api/tables/lines/records' + q(PAGE))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50)); // the wish is written without blocking the request
    expect(await advisor.buildWanted()).toBeGreaterThan(0);
    const defs = [...(await indexes()).values()];
    const composite = defs.find((d) => d.includes(`'f2'`) && d.includes(`'f3'`));
    expect(composite, defs.join('\n')).toBeDefined();
    // category first, then the date and id both descending with NULLs last
    expect(composite!.replace(/\s+/g, ' ')).toContain(
      `(((data ->> 'f2'::text)), ((data ->> 'f3'::text)) COLLATE "C" DESC NULLS LAST, id DESC NULLS LAST) WHERE (deleted_at IS NULL)`,
    );
    // the date range and the category are not asked again as single indexes: the composite serves them
    expect(defs.filter((d) => d !== composite && (d.includes(`'f2'`) || d.includes(`'f3'`)))).toEqual([]);

    // statistics on the expressions, the month of the date included, computed by an ANALYZE
    const stats = await sql<{ statistics_name: string; expr: string }>(
      `SELECT statistics_name, expr FROM pg_stats_ext_exprs WHERE tablename = $1`,
      [part],
    );
    const exprs = stats.map((s) => s.expr.replace(/\s+/g, ' '));
    expect(exprs, exprs.join('\n')).toContain(`(data ->> 'f2'::text)`);
    expect(exprs.some((e) => e.includes(`'f3'`) && e.includes('left'))).toBe(true);
    expect(exprs.some((e) => e.includes(`'f3'`) && !e.includes('left'))).toBe(true);

    // the page is read from the index in order (no Sort node), and the count from it too
    const p = await plan({ filter: PAGE.filter, sort: '-date', limit: 10 });
    expect(p).not.toMatch(/Sort/);
    expect(p).toMatch(/Index Scan using rec_\w+_c_\w+/);
    expect(await plan({ filter: PAGE.filter }, 'countText')).toMatch(/rec_\w+_c_\w+/);
  });

  it('serves the page in the documented order: newest first, empties last, ties by id descending', async () => {
    const all = await api.get(
      '/api/tables/lines/records' + q({ filter: { field: 'category', op: 'eq', value: 'tools' }, sort: '-date', limit: '1000' }),
    );
    const items = all.body.items as { id: string; data: { date?: string } }[];
    const key = (x: { id: string; data: { date?: string } }) => [x.data.date ?? null, x.id] as const;
    const want = [...items].sort((a, b) => {
      const [da, ia] = key(a);
      const [db, ib] = key(b);
      if (da !== db) return da === null ? 1 : db === null ? -1 : da < db ? 1 : -1;
      return ia < ib ? 1 : -1;
    });
    expect(items.map((x) => x.id)).toEqual(want.map((x) => x.id));
    expect(items.at(-1)!.data.date ?? null).toBeNull();
  });

  it('a descending sort alone gets a descending index; an ascending one keeps (expr, id)', async () => {
    for (let i = 0; i < 3; i++) await api.get('/api/tables/lines/records?sort=-price&count=none');
    for (let i = 0; i < 3; i++) await api.get('/api/tables/lines/records?sort=price&count=none');
    await new Promise((r) => setTimeout(r, 50));
    await advisor.buildWanted();
    const ix = await indexes();
    expect(ix.get(`${part}_d_f4`)?.replace(/\s+/g, ' ')).toContain(
      `((((data -> 'f4'::text) ->> 'a'::text))::numeric) DESC NULLS LAST, id DESC NULLS LAST)`,
    );
    expect(ix.get(`${part}_i_f4`)?.replace(/\s+/g, ' ')).toContain(`((((data -> 'f4'::text) ->> 'a'::text))::numeric), id)`);
    expect(await plan({ sort: '-price', limit: 10 })).toMatch(new RegExp(`Index Scan using ${part}_d_f4`));
    expect(await plan({ sort: '-price', limit: 10 })).not.toMatch(/Sort/);
    expect(await plan({ sort: 'price', limit: 10 })).toMatch(new RegExp(`Index Scan using ${part}_i_f4`));
  });

  it('quick search reads the trigram index the advisor built', async () => {
    expect((await indexes()).get(`${part}_t_f1`)).toMatch(/gin_trgm_ops/);
    // the very condition of a list's `q`, alone on the partition, with the advisor's b-trees
    // dropped in a transaction that is rolled back (on a tiny table the planner would rather
    // read a whole partial b-tree): with sequential scans off, only a matching index serves it
    const table = await server.tabula.app.get(SchemaService).table('lines');
    const b = new SqlBuilder();
    const cond = searchCondition(table, 'valve 17', {}, 'r', b);
    let explained = '';
    await server.tabula.db
      .tx(async (tx) => {
        await tx.exec('SET LOCAL enable_seqscan = off');
        for (const { name } of await tx.query<{ name: string }>(`SELECT name FROM record_index WHERE kind = 'btree' AND state = 'built'`))
          await tx.exec(`DROP INDEX IF EXISTS ${name}`);
        const rows = await tx.query<Record<string, unknown>>(
          `EXPLAIN SELECT count(*) FROM ${part} r WHERE r.deleted_at IS NULL AND ${cond}`,
          b.values,
        );
        explained = rows.map((r) => String(Object.values(r)[0])).join('\n');
        throw new Rollback();
      })
      .catch((e) => {
        if (!(e instanceof Rollback)) throw e;
      });
    expect(explained).toMatch(new RegExp(`Bitmap Index Scan on ${part}_t_f1`));
    expect((await indexes()).size).toBeGreaterThan(3); // rolled back
    const r = await api.get('/api/tables/lines/records' + q({ q: 'BLUE valve', limit: '5' }));
    expect(r.body.total).toBe(80);
  });

  it('dropping a field drops the indexes and statistics that read it, composites included', async () => {
    expect((await api.del('/api/tables/lines/fields/date')).status).toBeLessThan(300);
    const defs = [...(await indexes()).values()];
    expect(defs.filter((d) => d.includes(`'f3'`))).toEqual([]);
    const stats = await sql(`SELECT 1 FROM pg_statistic_ext WHERE stxname = $1`, [`${part}_s_f3`]);
    expect(stats).toEqual([]);
    const wishes = await sql<{ name: string }>(`SELECT name FROM record_index WHERE strpos(definition, $1) > 0`, [`'f3'`]);
    expect(wishes).toEqual([]);
  });
});

describe('statistics after writes', () => {
  it('analyzes a fresh table after its first 200 rows, then only when 200 + 20 % of its rows have been written since', async () => {
    const t = await api.post('/api/tables', { key: 'notes', label: 'Notes', fields: [{ key: 'body', label: 'Body', type: 'text' }] });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    const rel = `rec_${String(t.body.id).replace(/-/g, '')}`;
    await sql(`ALTER TABLE ${rel} SET (autovacuum_enabled = false)`); // on a server, only the advisor analyzes it here
    const analyzed = async () =>
      (await sql<{ n: number }>(`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = to_regclass($1)`, [rel]))[0]!.n;
    const write = async (n: number, from: number) => {
      const r = await api.post('/api/tables/notes/records?return=ids', {
        records: Array.from({ length: n }, (_, i) => ({ data: { body: `note ${from + i}` } })),
      });
      expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(201);
    };
    await write(150, 0);
    await advisor.analyzeWritten();
    expect(await analyzed()).toBeLessThan(150); // under 200 written: not yet (never analyzed: -1 or 0)
    await write(100, 150);
    await advisor.analyzeWritten();
    expect(await analyzed()).toBe(250);
    await write(200, 250); // 200 < 200 + 20 % × 250
    await advisor.analyzeWritten();
    expect(await analyzed()).toBe(250);
    await write(60, 450); // 260 ≥ 250
    await advisor.analyzeWritten();
    expect(await analyzed()).toBe(510);
  });
});
