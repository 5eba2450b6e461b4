#!/usr/bin/env node
// EXPLAIN (ANALYZE, BUFFERS) of the list queries (filtered page sorted by date, -date, -price;
// its count; quick search; pivot) at N generated records, with the index advisor's old
// indexes and no expression statistics ("before") and then with its current ones ("after").
// The SQL comes from packages/schema-engine (built). Best of 4 runs per query.
//   node tests/bench/explain-list.mjs pglite 200000
//   PGURL=postgres://postgres@127.0.0.1:5432/somedb node tests/bench/explain-list.mjs postgres 200000
// (on the server it works in a throw-away schema; the database needs the pg_trgm extension)
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { buildListQuery, getFieldType, sortIndexExpr, filterIndexExpr, statisticsExprs } from '@tabula/schema-engine';

const [backend, nArg] = process.argv.slice(2);
const N = Number(nArg ?? 200000);
const WS = '0192f0c1-0000-7000-8000-0000000000aa';
const TID = '0192f0c1-0000-7000-8000-000000000001';
const CATS = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'];
const mk = (key, type, slot, options) => ({
  id: `fld-${key}`,
  tableId: TID,
  key,
  label: key,
  type,
  slot,
  options: getFieldType(type).parseOptions(options),
  required: false,
  unique: false,
  defaultValue: null,
  searchable: type === 'text',
  position: 0,
});
const fields = [
  mk('description', 'text', 'f7'),
  mk('category', 'select', 'f8', { choices: CATS.map((value) => ({ value })) }),
  mk('date', 'date', 'f9'),
  mk('price', 'money', 'f11', { currency: 'EUR' }),
];
const table = { id: TID, workspaceId: WS, key: 'lines', label: 'Lines', primaryFieldId: 'fld-description', position: 0, fields };
const f = Object.fromEntries(fields.map((x) => [x.key, x]));

let q, close;
if (backend === 'pglite') {
  const db = await PGlite.create('memory://', { extensions: { pg_trgm } });
  q = async (t, v) => (await db.query(t, v)).rows;
  close = () => db.close();
} else {
  const c = new pg.Client({ connectionString: process.env.PGURL ?? 'postgres://postgres@127.0.0.1:5432/test' });
  await c.connect();
  const schema = `explain_${process.pid}`;
  await c.query(`CREATE SCHEMA ${schema}`);
  await c.query(`SET search_path TO ${schema}, public`);
  q = async (t, v) => (await c.query(t, v)).rows;
  close = async () => {
    await c.query(`DROP SCHEMA ${schema} CASCADE`);
    await c.end();
  };
}
try {
  if (backend === 'pglite') await q(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
  await q(
    `CREATE TABLE record (workspace_id uuid NOT NULL, table_id uuid NOT NULL, id uuid NOT NULL, data jsonb NOT NULL DEFAULT '{}', version integer NOT NULL DEFAULT 1, owner_id uuid, created_at timestamptz NOT NULL DEFAULT now(), created_by uuid, updated_at timestamptz NOT NULL DEFAULT now(), updated_by uuid, deleted_at timestamptz, PRIMARY KEY (workspace_id, table_id, id)) PARTITION BY LIST (table_id)`,
  );
  const part = 'rec_part';
  await q(`CREATE TABLE ${part} PARTITION OF record FOR VALUES IN ('${TID}')`);
  let t0 = Date.now();
  // deterministic pseudo-random data: skewed categories, 3 years of dates, prices, a few empties
  await q(`INSERT INTO record (workspace_id, table_id, id, data)
  SELECT '${WS}', '${TID}', (lpad(to_hex(i), 8, '0') || '-0000-7000-8000-' || lpad(to_hex((i * 2654435761) % 281474976710655), 12, '0'))::uuid,
    jsonb_strip_nulls(jsonb_build_object(
      'f7', (ARRAY['steel','copper','brass','recycled','organic'])[1 + (i * 7) % 5] || ' ' || (ARRAY['valve','pump','router','printer','adapter','cable'])[1 + (i * 13) % 6] || ' SKU-' || ((i * 7919) % 100000),
      'f8', 'c' || (1 + floor(8 * power(((i * 48271) % 2147483647)::float8 / 2147483647, 1.6)))::int,
      'f9', CASE WHEN i % 97 = 0 THEN NULL ELSE to_char(date '2023-01-01' + ((i * 16807) % 1096)::int, 'YYYY-MM-DD') END,
      'f11', CASE WHEN i % 89 = 0 THEN NULL ELSE jsonb_build_object('a', to_char(((i * 69621) % 100000) / 100.0, 'FM99990.00')) END))
  FROM generate_series(1::bigint, ${N}) i`);
  console.log(`loaded ${N} rows in ${Date.now() - t0} ms`);
  const old = [
    `CREATE INDEX ${part}_i_f7 ON ${part} (((data->>'f7') COLLATE "und-x-icu"), id) WHERE deleted_at IS NULL`,
    `CREATE INDEX ${part}_t_f7 ON ${part} USING gin ((data->>'f7') gin_trgm_ops) WHERE deleted_at IS NULL`,
    `CREATE INDEX ${part}_i_f9 ON ${part} (((data->>'f9') COLLATE "C"), id) WHERE deleted_at IS NULL`,
    `CREATE INDEX ${part}_i_f8 ON ${part} (((data->>'f8')), id) WHERE deleted_at IS NULL`,
    `CREATE STATISTICS ${part}_s_f8 ON ((data->>'f8')) FROM ${part}`,
    `CREATE INDEX ${part}_i_f11 ON ${part} ((((data->'f11'->>'a'))::numeric), id) WHERE deleted_at IS NULL`,
  ];
  const eq = `(${filterIndexExpr(f.category, '')})`;
  const fresh = [
    `CREATE INDEX ${part}_c_asc ON ${part} (${eq}, (${sortIndexExpr(f.date, '')}), id) WHERE deleted_at IS NULL`,
    `CREATE INDEX ${part}_c_desc ON ${part} (${eq}, (${sortIndexExpr(f.date, '')}) DESC NULLS LAST, id DESC NULLS LAST) WHERE deleted_at IS NULL`,
    `CREATE INDEX ${part}_c_price ON ${part} (${eq}, (${sortIndexExpr(f.price, '')}) DESC NULLS LAST, id DESC NULLS LAST) WHERE deleted_at IS NULL`,
    ...['date', 'price', 'description'].map(
      (k) =>
        `CREATE STATISTICS ${part}_s_${f[k].slot} ON ${statisticsExprs(f[k], '')
          .map((e) => `(${e})`)
          .join(', ')} FROM ${part}`,
    ),
  ];
  const cases = [
    ['page date', { sort: 'date' }],
    ['page -date', { sort: '-date' }],
    ['page -price', { sort: '-price' }],
  ];
  const PARAMS = [
    ['c1', '2024-03-01', '2024-08-28'],
    ['c4', '2023-06-10', '2023-09-01'],
    ['c8', '2025-01-01', '2025-02-01'],
  ];
  async function run(label, oldOrder) {
    for (const [cat, from, to] of PARAMS) {
      const filter = {
        and: [
          { field: 'category', op: 'eq', value: cat },
          { field: 'date', op: 'gte', value: from },
          { field: 'date', op: 'lte', value: to },
        ],
      };
      for (const [name, p] of cases) {
        const lq = buildListQuery(
          table,
          { filter, sort: p.sort, limit: 50 },
          { workspaceId: WS, today: () => '2026-11-26', now: () => new Date() },
        );
        const text = oldOrder && p.sort.startsWith('-') ? lq.text.replace('r.id DESC NULLS LAST', 'r.id ASC NULLS LAST') : lq.text;
        await report(`${label} ${name} ${cat} ${from}..${to}`, text, lq.values);
        if (name === 'page date') await report(`${label} count ${cat} ${from}..${to}`, lq.countText, lq.countValues);
      }
    }
    const s = buildListQuery(table, { q: 'valve', limit: 50 }, { workspaceId: WS, today: () => '2026-11-26', now: () => new Date() });
    await report(`${label} search "valve" page`, s.text, s.values);
    await report(`${label} search "valve" count`, s.countText, s.countValues);
    const piv = `SELECT ${filterIndexExpr(f.category, 'r')} AS category, left(${filterIndexExpr(f.date, 'r')}, 7) AS month, sum(${filterIndexExpr(f.price, 'r')}) AS amount, count(*)::int AS n FROM record r WHERE r.workspace_id = $1 AND r.table_id = '${TID}'::uuid AND r.deleted_at IS NULL GROUP BY 1, 2`;
    await report(`${label} pivot (on record)`, piv, [WS]);
    await report(`${label} pivot (on the partition)`, piv.replace('FROM record r', `FROM ${part} r`), [WS]);
  }
  async function report(label, text, values) {
    let best = Infinity,
      plan;
    for (let i = 0; i < 4; i++) {
      const rows = await q(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
      const p = rows.map((r) => r['QUERY PLAN']).join('\n');
      const ms = Number(/Execution Time: ([\d.]+)/.exec(p)[1]);
      if (ms < best) {
        best = ms;
        plan = p;
      }
    }
    const shape = [
      ...plan.matchAll(
        /(?:->\s+|^)((?:Parallel )?(?:Index Only Scan|Index Scan Backward|Index Scan|Bitmap Heap Scan|Bitmap Index Scan|Seq Scan|Sort|Incremental Sort|HashAggregate|GroupAggregate|Finalize \w+|Partial \w+|Aggregate|Limit|Gather Merge|Gather)(?: (?:using|on) \S+)?)/gm,
      ),
    ]
      .map((m) => m[1])
      .slice(0, 6)
      .join(' > ');
    const est = /rows=(\d+)[^\n]*actual[^\n]*rows=(\d+)/.exec(plan.split('\n').find((l) => /Scan/.test(l)) ?? '');
    const buf = /Buffers: ([^\n]+)/.exec(plan)?.[1];
    console.log(
      `${label.padEnd(48)} ${best.toFixed(2).padStart(8)} ms  ${shape}${est ? `  [scan est ${est[1]} / actual ${est[2]}]` : ''}  (${buf})`,
    );
    if (process.env.FULL) console.log(plan);
  }
  for (const d of old) await q(d);
  t0 = Date.now();
  await q(`VACUUM ANALYZE ${part}`).catch(() => q(`ANALYZE ${part}`));
  console.log(`analyze ${Date.now() - t0} ms`);
  await run('before', true);
  for (const d of fresh) await q(d);
  t0 = Date.now();
  await q(`ANALYZE ${part}`);
  console.log(`analyze with statistics ${Date.now() - t0} ms`);
  await run('after', false);
} finally {
  await close();
}
