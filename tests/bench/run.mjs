#!/usr/bin/env node
/**
 * Tabula's benchmark harness (issue 7): `npm run bench -- --records N [--backend pglite|postgres]
 * [--other-tables 20 --other-records 50000] [--out file.json]`.
 *
 * A deterministic dataset of invoice lines (linked to orders and clients) is loaded through
 * Tabula's HTTP API and, in the same database, COPYed into a plain typed table; every case
 * is measured both ways and the ratio is the figure that counts. The server runs in a
 * child process (real createApp, real HTTP); the harness is its client and speaks to the
 * same database handle over IPC for the baseline. See docs/benchmarks.md.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus, totalmem, hostname, platform, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import pg from 'pg';
import autocannon from 'autocannon';
import { compileFormula, formulaSchema } from '@tabula/formula';
import { Dataset, prng, CATEGORY_NAMES, NOUNS, DAYS, isoDay, scaled, round6to2 } from './lib/dataset.mjs';
import { Api, ServerProcess, median, percentile, qs, round, sleep } from './lib/util.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------- options
function parseArgs(argv) {
  const o = {
    records: 100_000,
    backend: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    otherTables: 20,
    otherRecords: 50_000,
    seed: 42,
    out: undefined,
    pageRequests: 200,
    loadSeconds: 5,
    importConcurrency: 2,
    importBatch: undefined,
    keep: false,
    workers: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => argv[++i];
    if (a === '--records') o.records = Number(v());
    else if (a === '--backend') o.backend = v();
    else if (a === '--other-tables') o.otherTables = Number(v());
    else if (a === '--other-records') o.otherRecords = Number(v());
    else if (a === '--seed') o.seed = Number(v());
    else if (a === '--out') o.out = resolve(v());
    else if (a === '--page-requests') o.pageRequests = Number(v());
    else if (a === '--load-seconds') o.loadSeconds = Number(v());
    else if (a === '--import-concurrency') o.importConcurrency = Number(v());
    else if (a === '--import-batch') o.importBatch = Number(v());
    else if (a === '--keep') o.keep = true;
    else if (a === '--workers') o.workers = Number(v());
    else if (a === '--help' || a === '-h') {
      console.log(
        'npm run bench -- --records N [--backend pglite|postgres] [--other-tables 20] [--other-records 50000] [--page-requests 200] [--load-seconds 5] [--workers n] [--import-concurrency 2] [--import-batch 5000] [--seed 42] [--out file.json]',
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  if (!Number.isInteger(o.records) || o.records < 100) throw new Error('--records must be an integer ≥ 100');
  // the bulk form's limit per request: 10,000 on the server, 1,000 on PGlite (docs/api.md)
  o.importBatch ??= o.backend === 'pglite' ? 1000 : 5000;
  if (!Number.isInteger(o.importBatch) || o.importBatch < 1 || o.importBatch > 10_000)
    throw new Error('--import-batch must be an integer from 1 to 10,000');
  if (o.backend !== 'pglite' && o.backend !== 'postgres') throw new Error('--backend is pglite or postgres');
  if (o.workers !== undefined && (!Number.isInteger(o.workers) || o.workers < 1 || o.workers > 64))
    throw new Error('--workers must be an integer from 1 to 64');
  if (o.workers !== undefined && o.backend !== 'postgres')
    throw new Error('--workers needs --backend postgres (the embedded database is one process)');
  if (o.backend === 'postgres' && !process.env.DATABASE_URL)
    throw new Error('--backend postgres needs DATABASE_URL (a server where a database may be created)');
  return o;
}

const opts = parseArgs(process.argv.slice(2));
const T0 = performance.now();
const log = (...a) => console.error(`[bench ${((performance.now() - T0) / 1000).toFixed(1).padStart(7)}s]`, ...a);

const cases = [];
const plans = [];
/** value and baseline in the same unit; ratio = value / baseline; `better` says which way is good. */
function addCase(name, value, unit, baseline, better, note) {
  const c = {
    name,
    value: round(value, 3),
    unit,
    baseline: baseline === null ? null : round(baseline, 3),
    ratio: baseline ? round(value / baseline, 3) : null,
    better,
  };
  if (note) c.note = note;
  cases.push(c);
  log(`CASE ${name}: ${c.value} ${unit} | baseline ${c.baseline} | ratio ${c.ratio}${note ? ' | ' + note : ''}`);
}

// ---------------------------------------------------------------- database and server
let dbName;
let benchDbUrl;
let dataDir;
let server;
const adminUrl = process.env.DATABASE_URL;

async function adminQuery(sql) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

async function startServer() {
  const env = { ...process.env, TZ: 'UTC' };
  delete env.DATABASE_URL;
  let serverOpts;
  if (opts.backend === 'postgres') {
    dbName = `tabula_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${dbName}`);
    // diagnostics: BENCH_SLOW_LOG_MS=200 logs the bench database's slow statements to the server log
    if (process.env.BENCH_SLOW_LOG_MS)
      await adminQuery(`ALTER DATABASE ${dbName} SET log_min_duration_statement = ${Number(process.env.BENCH_SLOW_LOG_MS)}`);
    const u = new URL(adminUrl);
    u.pathname = `/${dbName}`;
    serverOpts = { databaseUrl: u.toString() };
    benchDbUrl = u.toString();
    log(`database ${dbName} created on ${u.host}`);
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'tabula-bench-'));
    serverOpts = { databaseUrl: undefined, dataDir };
    log(`PGlite data dir ${dataDir}`);
  }
  env.BENCH_SERVER = JSON.stringify(serverOpts);
  server = new ServerProcess(env);
  const started = await server.call('start');
  log(`server pid ${server.pid} at ${started.url} (${started.backend})`);
  return started;
}

async function cleanup() {
  try {
    if (server) {
      await Promise.race([server.call('close'), sleep(30_000)]).catch(() => undefined);
      await Promise.race([server.exited, sleep(5000)]);
      server.child.kill();
    }
  } finally {
    if (dbName && !opts.keep) {
      await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((e) => log('drop failed', e.message));
      log(`database ${dbName} dropped`);
    }
    if (dataDir && !opts.keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

const sql = (text, values = [], repeat = 1) => server.call('query', { text, values, repeat });
const exec = (text, values = []) => server.call('exec', { text, values });

async function waitJob(api, id, onTick) {
  for (;;) {
    const r = await api.get(`/api/jobs/${id}`);
    if (r.body.state === 'done') return r.body;
    if (r.body.state === 'failed') throw new Error(`job ${id} failed: ${JSON.stringify(r.body.error)}`);
    if (onTick) await onTick(r.body);
    else await sleep(100);
  }
}

// ---------------------------------------------------------------- schema
async function createSchema(api) {
  const waitOut = async (r) => {
    if (r.body?.job) await waitJob(api, r.body.job);
  };
  await api.post('/api/tables', {
    key: 'clients',
    label: 'Clients',
    primaryField: 'name',
    fields: [
      { key: 'name', label: 'Name', type: 'text', searchable: true },
      { key: 'country', label: 'Country', type: 'text' },
    ],
  });
  await api.post('/api/tables', {
    key: 'orders',
    label: 'Orders',
    primaryField: 'number',
    fields: [
      { key: 'number', label: 'Number', type: 'text' },
      { key: 'date', label: 'Date', type: 'date' },
    ],
  });
  await api.post('/api/tables/orders/fields', {
    key: 'client',
    label: 'Client',
    type: 'link',
    options: { table: 'clients', multiple: false, onDelete: 'restrict', inverseKey: 'orders', inverseLabel: 'Orders' },
  });
  await api.post('/api/tables', {
    key: 'lines',
    label: 'Invoice lines',
    primaryField: 'description',
    fields: [
      { key: 'description', label: 'Description', type: 'text', searchable: true },
      { key: 'category', label: 'Category', type: 'select', options: { choices: CATEGORY_NAMES.map((value) => ({ value })) } },
      { key: 'date', label: 'Date', type: 'date' },
      { key: 'qty', label: 'Quantity', type: 'number', options: { scale: 2 } },
      { key: 'price', label: 'Unit price', type: 'money', options: { currency: 'EUR' } },
      { key: 'cost', label: 'Unit cost', type: 'money', options: { currency: 'USD' } },
      { key: 'vat', label: 'VAT', type: 'percent' },
    ],
  });
  await api.post('/api/tables/lines/fields', {
    key: 'order',
    label: 'Order',
    type: 'link',
    options: { table: 'orders', multiple: false, onDelete: 'cascade', inverseKey: 'lines', inverseLabel: 'Lines' },
  });
  await waitOut(
    await api.post('/api/tables/lines/fields', {
      key: 'total',
      label: 'Total',
      type: 'formula',
      options: { expression: 'qty * price * (1 + vat)' },
    }),
  );
  await waitOut(
    await api.post('/api/tables/orders/fields', {
      key: 'total',
      label: 'Total',
      type: 'rollup',
      options: { link: 'lines', field: 'total', aggregate: 'sum' },
    }),
  );
}

/** The other tables: made through the API, filled with server-side INSERT … SELECT generate_series. */
async function otherTables(api, adminId) {
  if (!opts.otherTables || !opts.otherRecords) return { ms: 0, rows: 0 };
  const t = performance.now();
  for (let k = 1; k <= opts.otherTables; k++) {
    const key = `other_${String(k).padStart(2, '0')}`;
    await api.post('/api/tables', {
      key,
      label: `Other ${k}`,
      primaryField: 'name',
      fields: [
        { key: 'name', label: 'Name', type: 'text', searchable: true },
        { key: 'code', label: 'Code', type: 'text' },
        { key: 'amount', label: 'Amount', type: 'money', options: { currency: 'EUR' } },
        { key: 'qty', label: 'Quantity', type: 'number' },
        { key: 'date', label: 'Date', type: 'date' },
        {
          key: 'status',
          label: 'Status',
          type: 'select',
          options: { choices: ['new', 'open', 'won', 'lost', 'archived'].map((value) => ({ value })) },
        },
        { key: 'note', label: 'Note', type: 'longText' },
        { key: 'flag', label: 'Flag', type: 'boolean' },
      ],
    });
    const meta = await server.call('tableMeta', { table: key });
    const s = Object.fromEntries(meta.fields.map((f) => [f.key, f.slot]));
    const CH = 50_000;
    for (let from = 1; from <= opts.otherRecords; from += CH) {
      const to = Math.min(opts.otherRecords, from + CH - 1);
      await exec(
        `INSERT INTO record (workspace_id, table_id, id, data, owner_id, created_by, updated_by)
         SELECT $1::uuid, '${meta.id}'::uuid, gen_random_uuid(), jsonb_build_object(
           '${s.name}', 'Item ' || g || ' ' || substr(md5(g::text || '${key}'), 1, 12),
           '${s.code}', 'C-' || lpad((g % 100000)::text, 6, '0'),
           '${s.amount}', jsonb_build_object('a', round(((g::bigint * 7919) % 1000000) / 100.0, 2)::text, 'c', 'EUR'),
           '${s.qty}', ((g * 31) % 500)::text,
           '${s.date}', to_char(date '2023-01-01' + (g * 13) % ${DAYS}, 'YYYY-MM-DD'),
           '${s.status}', 'c' || (1 + g % 5),
           '${s.note}', repeat('note ', 1 + g % 30),
           '${s.flag}', (g % 2 = 0)),
           $2::uuid, $2::uuid, $2::uuid
         FROM generate_series($3::int, $4::int) g`,
        [meta.workspaceId, adminId, from, to],
      );
    }
    await exec(`ANALYZE rec_${meta.id.replace(/-/g, '')}`);
    if (k % 5 === 0 || k === opts.otherTables) log(`other tables: ${k}/${opts.otherTables} × ${opts.otherRecords}`);
  }
  return { ms: performance.now() - t, rows: opts.otherTables * opts.otherRecords };
}

// ---------------------------------------------------------------- import
async function importData(api, ds) {
  const batches = (n, size = 1000) => Array.from({ length: Math.ceil(n / size) }, (_, b) => [b * size, Math.min(n, (b + 1) * size)]);
  const t0 = performance.now();
  for (const [a, b] of batches(ds.clients.length)) {
    await api.post(
      '/api/tables/clients/records',
      { records: ds.clients.slice(a, b).map((c) => ({ id: c.id, data: { name: c.name, country: c.country } })) },
      { parse: false },
    );
  }
  for (const [a, b] of batches(ds.orders.length)) {
    await api.post(
      '/api/tables/orders/records',
      {
        records: ds.orders
          .slice(a, b)
          .map((o) => ({ id: o.id, data: { number: o.number, date: isoDay(o.day), client: [ds.clients[o.client].id] } })),
      },
      { parse: false },
    );
  }
  const headMs = performance.now() - t0;
  log(`imported ${ds.clients.length} clients and ${ds.orders.length} orders in ${(headMs / 1000).toFixed(1)} s`);
  await server.call('resetPeak');
  const list = batches(ds.records, opts.importBatch);
  let next = 0;
  let done = 0;
  let decile = 0;
  const lat = [];
  const t = performance.now();
  const worker = async () => {
    while (next < list.length) {
      const [a, b] = list[next++];
      const records = [];
      for (let i = a; i < b; i++) records.push(ds.lineWire(i));
      // the bulk form of the create: the answer is the ids only (`?return=ids`)
      const r = await api.post('/api/tables/lines/records?return=ids', { records }, { parse: false });
      lat.push(r.ms);
      done += b - a;
      if (Math.floor((done / ds.records) * 10) > decile) {
        decile = Math.floor((done / ds.records) * 10);
        log(`lines ${done}/${ds.records} (${Math.round(done / ((performance.now() - t) / 1000))} rows/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.importConcurrency }, worker));
  const ms = performance.now() - t;
  const mem = await server.call('memory');
  return { ms, headMs, peak: mem.peak, batchP50: median(lat), batchP95: percentile(lat, 95) };
}

// ---------------------------------------------------------------- baseline
async function baselineLoad(ds) {
  await exec(`CREATE TABLE bench_clients (id uuid PRIMARY KEY, name text COLLATE "und-x-icu" NOT NULL, country text)`);
  await exec(
    `CREATE TABLE bench_orders (id uuid PRIMARY KEY, client_id uuid NOT NULL, number text NOT NULL, date date NOT NULL, total numeric)`,
  );
  await exec(`CREATE TABLE bench_lines (id uuid PRIMARY KEY, order_id uuid NOT NULL, description text COLLATE "und-x-icu" NOT NULL, category text NOT NULL, date date NOT NULL,
    qty numeric NOT NULL, price numeric NOT NULL, cost numeric NOT NULL, vat numeric NOT NULL, total numeric NOT NULL)`);
  const copy = await server.call('copyLines', { records: ds.records, seed: ds.seed, table: 'bench_lines' });
  await server.call('insertRows', {
    table: 'bench_clients',
    cols: ['id', 'name', 'country'],
    rows: ds.clients.map((c) => [c.id, c.name, c.country]),
  });
  await server.call('insertRows', {
    table: 'bench_orders',
    cols: ['id', 'client_id', 'number', 'date'],
    rows: ds.orders.map((o) => [o.id, ds.clients[o.client].id, o.number, isoDay(o.day)]),
  });
  const t = performance.now();
  // the same indexes that Tabula's index advisor builds for these queries — single-field
  // ones and the composites (equality field, sort field in its direction, id) — plus what
  // links use, so that the ratio compares storage and path, not index choice
  for (const ddl of [
    `CREATE INDEX bench_lines_date ON bench_lines (date, id)`,
    `CREATE INDEX bench_lines_cat_date ON bench_lines (category, date, id)`,
    `CREATE INDEX bench_lines_cat_date_desc ON bench_lines (category, date DESC NULLS LAST, id DESC NULLS LAST)`,
    `CREATE INDEX bench_lines_cat_price_desc ON bench_lines (category, price DESC NULLS LAST, id DESC NULLS LAST)`,
    `CREATE INDEX bench_lines_price ON bench_lines (price, id)`,
    `CREATE INDEX bench_lines_category ON bench_lines (category, id)`,
    `CREATE INDEX bench_lines_description ON bench_lines (description, id)`,
    `CREATE INDEX bench_lines_order ON bench_lines (order_id)`,
    `CREATE INDEX bench_lines_trgm ON bench_lines USING gin (description gin_trgm_ops)`,
    `UPDATE bench_orders o SET total = s.t FROM (SELECT order_id, sum(total) AS t FROM bench_lines GROUP BY order_id) s WHERE o.id = s.order_id`,
    `ANALYZE bench_lines`,
    `ANALYZE bench_orders`,
    `ANALYZE bench_clients`,
  ])
    await exec(ddl);
  const indexMs = performance.now() - t;
  // the same COPY into a copy of the table that already has the indexes Tabula maintains
  // while it imports (the primary field's sort index, the searchable field's trigram index,
  // the link's): what loading costs when the indexes are kept current, row by row
  await exec(`CREATE TABLE bench_lines_ix (LIKE bench_lines INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
  for (const ddl of [
    `ALTER TABLE bench_lines_ix ADD PRIMARY KEY (id)`,
    `CREATE INDEX bench_lines_ix_description ON bench_lines_ix (description, id)`,
    `CREATE INDEX bench_lines_ix_trgm ON bench_lines_ix USING gin (description gin_trgm_ops)`,
    `CREATE INDEX bench_lines_ix_order ON bench_lines_ix (order_id)`,
  ])
    await exec(ddl);
  const indexed = await server.call('copyLines', { records: ds.records, seed: ds.seed, table: 'bench_lines_ix' });
  await exec(`DROP TABLE bench_lines_ix`);
  return { ...copy, indexMs, indexedMs: indexed.ms };
}

// ---------------------------------------------------------------- requests
function pageParams(n, seed) {
  const r = prng(seed, 0x1234);
  const out = [];
  for (let i = 0; i < n; i++) {
    const category = CATEGORY_NAMES[Math.floor(r() * CATEGORY_NAMES.length)];
    const window = 30 + Math.floor(r() * 151);
    const d1 = Math.floor(r() * (DAYS - window));
    out.push({ category, from: isoDay(d1), to: isoDay(d1 + window) });
  }
  return out;
}

const SORTS = {
  date: { sort: 'date', order: 'date ASC NULLS LAST, id ASC NULLS LAST' },
  // the id tie-breaker follows the first key's direction (packages/schema-engine sort compiler)
  '-date': { sort: '-date', order: 'date DESC NULLS LAST, id DESC NULLS LAST' },
  '-price': { sort: '-price', order: 'price DESC NULLS LAST, id DESC NULLS LAST' },
};
const BASE_COLS = 'id, order_id, description, category, date, qty, price, cost, vat, total';

function tabulaPagePath(p, sortKey, count) {
  const filter = {
    and: [
      { field: 'category', op: 'eq', value: p.category },
      { field: 'date', op: 'gte', value: p.from },
      { field: 'date', op: 'lte', value: p.to },
    ],
  };
  return '/api/tables/lines/records' + qs({ filter, sort: SORTS[sortKey].sort, limit: '50', count });
}
function basePage(p, sortKey) {
  return {
    text: `SELECT ${BASE_COLS} FROM bench_lines WHERE category = $1 AND date >= $2 AND date <= $3 ORDER BY ${SORTS[sortKey].order} LIMIT 51`,
    values: [p.category, p.from, p.to],
  };
}
function baseCount(p, cap = 100001) {
  return {
    text: `SELECT count(*)::int AS n FROM (SELECT 1 FROM bench_lines WHERE category = $1 AND date >= $2 AND date <= $3 LIMIT ${cap}) c`,
    values: [p.category, p.from, p.to],
  };
}

function searchTerms(n, ds) {
  const r = prng(ds.seed, 0x5eec);
  const out = [];
  for (let i = 0; i < n; i++) {
    // half common words (≈1/60 of the rows each), half rare SKU codes (a handful of rows)
    if (i % 2 === 0) out.push(NOUNS[Math.floor(r() * NOUNS.length)]);
    else out.push(ds.line(Math.floor(r() * ds.records)).description.split(' ')[2]);
  }
  return out;
}

async function explainBoth(title, tabula, baseline) {
  const a = await server.call('explain', tabula).catch((e) => `EXPLAIN failed: ${e.message}`);
  const b = await server.call('explain', baseline).catch((e) => `EXPLAIN failed: ${e.message}`);
  plans.push(
    `### ${title} — Tabula\n${tabula.text}\n${JSON.stringify(tabula.values)}\n\n${a}\n\n### ${title} — baseline\n${baseline.text}\n${JSON.stringify(baseline.values)}\n\n${b}\n`,
  );
  return { tabula: a, baseline: b };
}

function planShape(plan) {
  const nodes = [
    ...plan.matchAll(
      /(?:->\s+|^)((?:Parallel )?(?:Index Only Scan|Index Scan Backward|Index Scan|Bitmap Heap Scan|Bitmap Index Scan|Seq Scan|Sort|Incremental Sort|HashAggregate|GroupAggregate|Finalize \w+Aggregate|Partial \w+Aggregate|Aggregate|Limit|Gather Merge|Gather|BitmapAnd|Nested Loop|Hash Join)(?: using \S+)?)/gm,
    ),
  ].map((m) => m[1]);
  const sortMethod = /Sort Method: ([^\n]+)/.exec(plan)?.[1];
  const exec = /Execution Time: ([\d.]+) ms/.exec(plan)?.[1];
  return `${nodes.slice(0, 6).join(' > ')}${sortMethod ? ` [${sortMethod.trim()}]` : ''}${exec ? ` (${exec} ms)` : ''}`;
}

// ---------------------------------------------------------------- cases
async function warmUpIndexes(api, params) {
  const t = performance.now();
  for (let i = 0; i < 4; i++) {
    for (const s of Object.keys(SORTS)) await api.get(tabulaPagePath(params[i], s, 'none'), { parse: false });
    await api.get('/api/tables/lines/records' + qs({ q: NOUNS[i], limit: '50' }), { parse: false });
  }
  for (;;) {
    const rows = (await sql(`SELECT state, count(*)::int AS n FROM record_index GROUP BY state`)).rows;
    const wanted = rows.find((r) => r.state === 'wanted')?.n ?? 0;
    if (!wanted) break;
    if (performance.now() - t > 30 * 60_000) throw new Error('indexes not built after 30 minutes');
    await sleep(500);
  }
  await sleep(2500); // two more advisor polls: ANALYZE of the written partitions
  const meta = await server.call('tableMeta', { table: 'lines' });
  const built = (await sql(`SELECT name, kind, state, reason FROM record_index WHERE table_id = $1 ORDER BY name`, [meta.id])).rows;
  return { ms: performance.now() - t, built, meta };
}

async function pageCases(api, params) {
  const results = {};
  for (const s of Object.keys(SORTS)) {
    const tab = [];
    const base = [];
    let mismatches = 0;
    for (const [i, p] of params.entries()) {
      const r = await api.get(tabulaPagePath(p, s, 'none'), { parse: i < 20 });
      tab.push(r.ms);
      const [b] = await server.call('queries', { list: [basePage(p, s)] });
      base.push(b.ms);
      if (i < 20) {
        const q = basePage(p, s);
        const ids = (await sql(q.text.replace(BASE_COLS, 'id'), q.values)).rows.map((x) => x.id).slice(0, 50);
        if (JSON.stringify(ids) !== JSON.stringify(r.body.items.map((x) => x.id))) mismatches++;
      }
    }
    const listSql = await server.call('listSql', {
      table: 'lines',
      params: {
        filter: JSON.stringify({
          and: [
            { field: 'category', op: 'eq', value: params[0].category },
            { field: 'date', op: 'gte', value: params[0].from },
            { field: 'date', op: 'lte', value: params[0].to },
          ],
        }),
        sort: SORTS[s].sort,
        limit: 50,
      },
    });
    const ex = await explainBoth(`page sorted by ${s}`, { text: listSql.text, values: listSql.values }, basePage(params[0], s));
    results[s] = { tab, base, mismatches, listSql, ex };
    const note = `${params.length} varied requests (category = one of 8, date range 30–180 days), limit 50, count=none; client-observed HTTP latency vs in-process SQL time; pages identical on ${20 - mismatches}/20 checked; plan Tabula: ${planShape(ex.tabula)}; baseline: ${planShape(ex.baseline)}`;
    addCase(`page sorted by ${s} p50`, median(tab), 'ms', median(base), 'lower', note);
    addCase(`page sorted by ${s} p95`, percentile(tab, 95), 'ms', percentile(base, 95), 'lower');
  }
  return results;
}

async function totalCase(api, params, pageRes) {
  const tab = [];
  const base = [];
  let wrong = 0;
  let estimates = 0;
  const countOnly = [];
  for (const p of params) {
    const r = await api.get(tabulaPagePath(p, 'date', undefined));
    tab.push(r.ms);
    const [bp, bc] = await server.call('queries', { list: [basePage(p, 'date'), baseCount(p)] });
    base.push(bp.ms + bc.ms);
    countOnly.push(bc.ms);
    if (r.body.totalIsEstimate) estimates++;
    else if (r.body.total !== bc.first.n) wrong++;
  }
  const countSql = pageRes.date.listSql;
  const ex = await explainBoth('count of the page', { text: countSql.countText, values: countSql.countValues }, baseCount(params[0]));
  const pageP50 = median(pageRes.date.tab);
  const withP50 = median(tab);
  addCase(
    'page with total p50',
    withP50,
    'ms',
    median(base),
    'lower',
    `the same ${params.length} requests with the total (count=exact); the total adds ${round(withP50 - pageP50)} ms = ${round((withP50 - pageP50) / pageP50)}× the page's own p50 (${round(pageP50)} ms) [goal ≤ 2×]; exact totals ${params.length - wrong - estimates}/${params.length}, estimates ${estimates}, wrong ${wrong}; baseline count alone p50 ${round(median(countOnly))} ms; count plan Tabula: ${planShape(ex.tabula)}; baseline: ${planShape(ex.baseline)}`,
  );
  addCase('page with total p95', percentile(tab, 95), 'ms', percentile(base, 95), 'lower');

  // count=estimate: exact up to 1,000 matches, beyond it the planner's figure, flagged
  const est = [];
  const estBase = [];
  const errors = [];
  let flagged = 0;
  let estWrong = 0;
  for (const p of params) {
    const r = await api.get(tabulaPagePath(p, 'date', 'estimate'));
    est.push(r.ms);
    const [bp, bc, exact] = await server.call('queries', { list: [basePage(p, 'date'), baseCount(p, 1001), baseCount(p)] });
    estBase.push(bp.ms + bc.ms);
    const n = exact.first.n;
    if (r.body.totalIsEstimate) {
      flagged++;
      errors.push(r.body.total / n);
      if (n <= 1000 || r.body.total <= 1000) estWrong++; // flagged only beyond the cap, and never at or under it
    } else if (r.body.total !== n) estWrong++;
  }
  const estP50 = median(est);
  errors.sort((a, b) => a - b);
  addCase(
    'page with estimated total p50',
    estP50,
    'ms',
    median(estBase),
    'lower',
    `the same ${params.length} requests with count=estimate; the total adds ${round(estP50 - pageP50)} ms = ${round((estP50 - pageP50) / pageP50)}× the page's own p50 [goal ≤ 2×, or capped and flagged]; flagged estimates ${flagged}/${params.length} (estimate ÷ true count: min ${round(errors[0] ?? 1)}, median ${round(median(errors.length ? errors : [1]))}, max ${round(errors[errors.length - 1] ?? 1)}), exact below the cap ${params.length - flagged - estWrong}, wrong ${estWrong}; baseline: page + count capped at 1,001`,
  );
  addCase('page with estimated total p95', percentile(est, 95), 'ms', percentile(estBase, 95), 'lower');
}

async function searchCase(api, ds, n, meta) {
  const terms = searchTerms(n, ds);
  const tab = [];
  const base = [];
  let wrong = 0;
  for (const term of terms) {
    const r = await api.get('/api/tables/lines/records' + qs({ q: term, limit: '50' }));
    tab.push(r.ms);
    const like = `%${term}%`;
    const [bp, bc] = await server.call('queries', {
      list: [
        { text: `SELECT ${BASE_COLS} FROM bench_lines WHERE description ILIKE $1 ORDER BY id LIMIT 51`, values: [like] },
        { text: `SELECT count(*)::int AS n FROM (SELECT 1 FROM bench_lines WHERE description ILIKE $1 LIMIT 100001) c`, values: [like] },
      ],
    });
    base.push(bp.ms + bc.ms);
    if (!r.body.totalIsEstimate && r.body.total !== bc.first.n) wrong++;
  }
  const listSql = await server.call('listSql', { table: 'lines', params: { q: 'valve', limit: 50 } });
  const ex = await explainBoth(
    'quick search "valve"',
    { text: listSql.countText, values: listSql.countValues },
    { text: `SELECT count(*)::int AS n FROM (SELECT 1 FROM bench_lines WHERE description ILIKE $1 LIMIT 100001) c`, values: ['%valve%'] },
  );
  const trgm = (
    await sql(`SELECT indexname FROM pg_indexes WHERE tablename = $1 AND indexdef ILIKE '%gin_trgm_ops%'`, [
      `rec_${meta.id.replace(/-/g, '')}`,
    ])
  ).rows;
  const note = `${terms.length} searches (half common words ≈1/60 of rows, half rare SKU codes), limit 50 with total; totals wrong ${wrong}; trigram index on the lines partition: ${trgm.length ? trgm.map((x) => x.indexname).join(', ') : 'NONE'}; count plan Tabula: ${planShape(ex.tabula)}; baseline (trigram GIN): ${planShape(ex.baseline)}`;
  addCase('quick search p50', median(tab), 'ms', median(base), 'lower', note);
  addCase('quick search p95', percentile(tab, 95), 'ms', percentile(base, 95), 'lower');
  return { terms, trgm: trgm.length > 0 };
}

async function pivotCase(api, meta) {
  // Tabula: the report path (packages/report-builder through POST /api/tables/:t/pivot),
  // without the totals' extra grouping sets so that it does what the baseline does
  const spec = {
    rows: ['category'],
    columns: [{ field: 'date', bucket: 'month' }],
    values: [{ fn: 'sum', field: 'price' }, { fn: 'count' }],
    totals: false,
  };
  // the statement it generates, for the plans file
  const tabula = await server.call('pivotSql', { table: 'lines', spec });
  const baseline = {
    text: `SELECT category, date_trunc('month', date) AS month, sum(price) AS amount, count(*)::int AS n FROM bench_lines GROUP BY 1, 2`,
    values: [],
  };
  const reps = opts.records >= 1_000_000 ? 3 : 5;
  const times = [];
  let grid;
  for (let i = 0; i <= reps; i++) {
    const r = await api.post('/api/tables/lines/pivot', spec);
    times.push(r.ms);
    grid = r.body;
  }
  const b = await sql(baseline.text, baseline.values, reps + 1);
  // the two grids must agree: category, month, sum
  const gridA = new Map();
  grid.rows.forEach(([category], i) =>
    grid.columns.forEach(([month], j) => {
      const cell = grid.cells[i][j];
      if (cell) gridA.set(`${category}|${month}`, Number(cell[0].amount).toFixed(2));
    }),
  );
  let diff = 0;
  for (const r of b.rows) {
    const month = (r.month instanceof Date ? r.month.toISOString() : String(r.month)).slice(0, 7);
    if (gridA.get(`${r.category}|${month}`) !== String(Number(r.amount).toFixed(2))) diff++;
  }
  if (gridA.size !== b.rows.length) diff += Math.abs(gridA.size - b.rows.length);
  const ex = await explainBoth('pivot sum(price) by category × month', tabula, baseline);
  const stats = (
    await sql(`SELECT stxname FROM pg_statistic_ext WHERE stxrelid = $1::regclass`, [`rec_${meta.id.replace(/-/g, '')}`])
  ).rows.map((r) => r.stxname);
  addCase(
    'pivot sum(price) by category × month',
    median(times.slice(1)),
    'ms',
    median(b.times.slice(1)),
    'lower',
    `POST /api/tables/lines/pivot (packages/report-builder), median of ${reps} after a warm-up, client-observed HTTP time; ${b.rows.length} groups, ${diff} differ; expression statistics on the partition: ${stats.join(', ') || 'none'}; plan Tabula: ${planShape(ex.tabula)}; baseline: ${planShape(ex.baseline)}`,
  );
}

/**
 * --workers n: the concurrent case is served by `apps/api/dist/main.js` with TABULA_WORKERS=n
 * (node:cluster, ADR 0008) on the bench's database, started for the case and stopped after
 * it; the bench's own server process stays idle meanwhile. The session token stays valid.
 */
async function startWorkers() {
  const env = {
    ...process.env,
    TZ: 'UTC',
    DATABASE_URL: benchDbUrl,
    TABULA_WORKERS: String(opts.workers),
    PORT: '0',
    HOST: '127.0.0.1',
    TABULA_LOG: 'error',
    TABULA_SNAPSHOTS: 'off',
  };
  const child = spawn(process.execPath, [join(HERE, '../../apps/api/dist/main.js')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => child.on('exit', r));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1].replace('localhost', '127.0.0.1'));
    });
    child.on('exit', (code) => reject(new Error(`main.js with ${opts.workers} workers exited (${code}): ${out}`)));
  });
  log(`${opts.workers} worker processes (main.js, pid ${child.pid}) at ${url}`);
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(20_000)]);
    },
  };
}

async function concurrentCase(api, params) {
  const workers = opts.workers ? await startWorkers() : undefined;
  try {
    return await concurrentLevels(api, params, workers?.url ?? api.base);
  } finally {
    await workers?.stop();
  }
}

async function concurrentLevels(api, params, base) {
  const paths = params.map((p) => tabulaPagePath(p, 'date', 'none'));
  const levels = [1, 4, 8, 16, 32, 64];
  const runs = [];
  for (const connections of levels) {
    const lat = [];
    let k = 0;
    const inst = autocannon({
      url: base,
      connections,
      duration: opts.loadSeconds,
      headers: { authorization: `Bearer ${api.token}` },
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[k++ % paths.length] }) }],
    });
    inst.on('response', (_client, status, _bytes, ms) => {
      if (status === 200) lat.push(ms);
    });
    const res = await inst;
    const rps = lat.length / (res.duration || opts.loadSeconds);
    const p95 = percentile(lat, 95);
    runs.push({ connections, rps, p50: median(lat), p95, errors: res.errors + res.non2xx + res.timeouts });
    log(
      `autocannon c=${connections}: ${Math.round(rps)} req/s, p50 ${round(median(lat))} ms, p95 ${round(p95)} ms, errors ${res.errors + res.non2xx + res.timeouts}`,
    );
    if (p95 > 100) break;
  }
  const baseRuns = [];
  for (const concurrency of [1, 4, 8]) {
    const r = await server.call('loop', { list: params.map((p) => basePage(p, 'date')), ms: opts.loadSeconds * 1000, concurrency });
    baseRuns.push({ concurrency, qps: r.lat.length / (r.ms / 1000), p95: percentile(r.lat, 95) });
  }
  const ok = runs.filter((r) => r.p95 < 100 && r.errors === 0);
  const best = ok.length ? ok.reduce((a, b) => (b.rps > a.rps ? b : a)) : null;
  const bestBase = baseRuns.filter((r) => r.p95 < 100).reduce((a, b) => (b.qps > a.qps ? b : a), { qps: 0 });
  addCase(
    'concurrent page reads at p95 < 100 ms',
    best ? best.rps : 0,
    'req/s',
    bestBase.qps,
    'higher',
    `autocannon on the same machine, ${opts.workers ? `API in ${opts.workers} worker processes (TABULA_WORKERS), ` : ''}${opts.loadSeconds} s per level, the filtered page sorted by date (count=none): ${runs.map((r) => `c=${r.connections}: ${Math.round(r.rps)}/s p95 ${round(r.p95, 1)} ms`).join('; ')}. Baseline: the page SQL from ${baseRuns.map((r) => `${r.concurrency} workers: ${Math.round(r.qps)}/s p95 ${round(r.p95, 1)} ms`).join('; ')} on the server's pool`,
  );
}

async function fanoutCase(api, ds, overrides) {
  const n = 40;
  const tab = [];
  const base = [];
  let right = 0;
  const toInt6 = (s) => {
    const [i, f = ''] = String(s).split('.');
    return Number(i) * 1e6 + Math.sign(Number(i) || 1) * Number((f + '000000').slice(0, 6));
  };
  for (let k = 0; k < n; k++) {
    const i = Math.floor(((k + 0.5) / n) * ds.records);
    const l = ds.line(i);
    const order = ds.orders[l.orderIndex];
    const before = await api.get(`/api/tables/orders/records/${order.id}`);
    const newQty100 = l.qty100 + 100;
    const r = await api.patch(`/api/tables/lines/records/${l.id}`, { data: { qty: scaled(newQty100, 2) } });
    tab.push(r.ms);
    overrides.set(i, newQty100);
    const after = await api.get(`/api/tables/orders/records/${order.id}`);
    const delta = (newQty100 - l.qty100) * l.price100 * (100 + l.vat100);
    if (toInt6(after.body.data.total.amount) - toInt6(before.body.data.total.amount) === delta) right++;
    const b = await server.call('tx', {
      list: [
        {
          text: `UPDATE bench_lines SET qty = $2::numeric, total = $2::numeric * price * (1 + vat) WHERE id = $1 RETURNING order_id`,
          values: [l.id, scaled(newQty100, 2)],
        },
        {
          text: `UPDATE bench_orders SET total = (SELECT sum(total) FROM bench_lines WHERE order_id = $1) WHERE id = $1 RETURNING total`,
          values: ['$prev'],
        },
      ],
    });
    base.push(b.ms);
  }
  addCase(
    'update a line, rollup to its order p50',
    median(tab),
    'ms',
    median(base),
    'lower',
    `${n} PATCHes of qty on lines spread over the table; the order's total was right after the request returned in ${right}/${n}; baseline: UPDATE line + UPDATE order total from a SQL sum, one transaction`,
  );
  addCase('update a line, rollup to its order p95', percentile(tab, 95), 'ms', percentile(base, 95), 'lower');
}

function formulaEvalCase(ds) {
  // the schema as the engine builds it from field metadata (packages/formula field-schema)
  const field = (id, key, type, options = {}) => ({
    id,
    tableId: 't',
    key,
    label: key,
    type,
    slot: id,
    options,
    required: false,
    unique: false,
    defaultValue: null,
    searchable: false,
    position: 0,
  });
  const table = {
    id: 't',
    workspaceId: 'w',
    key: 'lines',
    label: 'Lines',
    primaryFieldId: null,
    position: 0,
    fields: [
      field('q', 'qty', 'number'),
      field('u', 'unit', 'number'),
      field('p', 'price', 'money', { currency: 'EUR' }),
      field('v', 'vat', 'percent'),
    ],
  };
  const schema = formulaSchema(table, () => undefined);
  const pool = Array.from({ length: 1000 }, (_, i) => {
    const l = ds.line(i % ds.records);
    return { q: Number(l.qty), u: Number(l.price), p: { amount: l.price, currency: 'EUR' }, v: Number(l.vat) };
  });
  const run = (fn, cap) => {
    const n = Math.min(ds.records, cap);
    const t = performance.now();
    let sink = 0;
    let done = 0;
    for (; done < n; done++) {
      const out = fn(pool[done % 1000]);
      if (out) sink++;
      if ((done & 4095) === 0 && performance.now() - t > 60_000) break;
    }
    return { rate: done / ((performance.now() - t) / 1000), done, sink };
  };
  const num = compileFormula('qty * unit * (1 + vat)', schema);
  const money = compileFormula('qty * price * (1 + vat)', schema);
  const ctx = (values) => ({ values });
  const a = run((v) => num.evaluate(ctx(v)), Infinity);
  const ja = run((v) => String(v.q * v.u * (1 + v.v)), Infinity);
  addCase(
    'formula evaluation, number',
    a.rate,
    'rows/s',
    ja.rate,
    'higher',
    `packages/formula compileFormula("qty * unit * (1 + vat)") once, evaluate() over ${a.done} rows in memory (values in wire form; exact BigNumber arithmetic — the engine has no float path); baseline: a plain JS function over Numbers, String(q * u * (1 + v))`,
  );
  const b = run((v) => money.evaluate(ctx(v)), Infinity);
  const jb = run((v) => String(v.q * Number(v.p.amount) * (1 + v.v)), Infinity);
  addCase(
    'formula evaluation, money (exact decimals)',
    b.rate,
    'rows/s',
    jb.rate,
    'higher',
    `compileFormula("qty * price * (1 + vat)") → money EUR, ${b.done} rows; baseline: the same plain JS over Numbers (not exact)`,
  );
}

/**
 * The API shows money at least at the currency's minor units ("15750.10"); `scaled` drops
 * trailing zeros ("15750.1"). Compared as text, every total ending in a zero cent counted as
 * wrong (2 of the 10 orders checked at 1M, 1 of 10 at 200k): compare the numbers.
 */
function sameAmount(a, b) {
  const norm = (s) => (typeof s === 'string' && s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  return a !== undefined && a !== null && norm(a) === norm(b);
}

async function recomputeCase(api, ds, overrides, pageParamsList) {
  const t = performance.now();
  const r = await api.patch('/api/tables/lines/fields/total', { options: { expression: 'ROUND(qty * price * (1 + vat), 2)' } });
  const probes = [];
  let k = 0;
  let last;
  await waitJob(api, r.body.job, async (job) => {
    last = job;
    const p = await api.get(tabulaPagePath(pageParamsList[k++ % pageParamsList.length], 'date', 'none'), { parse: false });
    probes.push(p.ms);
    await sleep(100);
  });
  const ms = performance.now() - t;
  const b = await exec(`UPDATE bench_lines SET total = round(qty * price * (1 + vat), 2)`);
  const bo = await exec(
    `UPDATE bench_orders o SET total = s.t FROM (SELECT order_id, sum(total) AS t FROM bench_lines GROUP BY order_id) s WHERE o.id = s.order_id`,
  );
  // check: line totals, and the orders' rollups of them
  let linesRight = 0;
  let ordersRight = 0;
  let ordersStale = 0;
  const checks = 10;
  const total2 = (i) => {
    const l = ds.line(i);
    const q100 = overrides.get(i) ?? l.qty100;
    return round6to2(q100 * l.price100 * (100 + l.vat100));
  };
  for (let c = 0; c < checks; c++) {
    const i = Math.floor(((c + 0.25) / checks) * ds.records);
    const line = await api.get(`/api/tables/lines/records/${ds.line(i).id}`);
    if (sameAmount(line.body.data.total?.amount, scaled(total2(i), 2))) linesRight++;
    const o = ds.orders[ds.lineOrder[i]];
    let sum = 0;
    for (let j = o.first; j < o.first + o.count; j++) sum += total2(j);
    const order = await api.get(`/api/tables/orders/records/${o.id}`);
    if (sameAmount(order.body.data.total?.amount, scaled(sum, 2))) ordersRight++;
    let old = 0;
    for (let j = o.first; j < o.first + o.count; j++)
      old += (overrides.get(j) ?? ds.line(j).qty100) * ds.line(j).price100 * (100 + ds.line(j).vat100);
    if (sameAmount(order.body.data.total?.amount, scaled(old, 6))) ordersStale++;
  }
  addCase(
    'formula recompute, end to end',
    ds.records / (ms / 1000),
    'rows/s',
    ds.records / (b.ms / 1000),
    'higher',
    `PATCH of the lines' total formula to ROUND(qty * price * (1 + vat), 2), until GET /api/jobs/:id says done: ${round(ms / 1000, 1)} s for ${ds.records} rows (job total ${last?.total ?? '?'}); the server answered ${probes.length} page requests meanwhile, p50 ${round(median(probes))} ms, p95 ${round(percentile(probes, 95))} ms, max ${round(Math.max(...probes, 0))} ms; line totals right ${linesRight}/${checks}; orders' rollup totals right afterwards ${ordersRight}/${checks} (still the sum of the old, unrounded line totals: ${ordersStale}/${checks}); baseline: UPDATE bench_lines SET total = round(…) ${round(b.ms / 1000, 2)} s (+ ${round(bo.ms / 1000, 2)} s to refresh the orders' totals)`,
  );
}

function gitCommit() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: HERE, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '../../apps', '../../packages'], {
      cwd: HERE,
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head}+uncommitted changes in apps/ or packages/` : head;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- main
async function main() {
  log(`records ${opts.records}, backend ${opts.backend}, other tables ${opts.otherTables} × ${opts.otherRecords}`);
  const ds = new Dataset(opts.records, opts.seed);
  const started = await startServer();
  const api = new Api(started.url);
  const setup = await api.post('/api/setup', { email: 'bench@example.com', password: 'benchmark password 1', name: 'Bench' });
  api.token = setup.body.token;
  const version = (await sql('SELECT version() AS v')).rows[0].v;
  await createSchema(api);
  const other = await otherTables(api, setup.body.user.id);
  if (other.rows) log(`other tables filled: ${other.rows} rows in ${round(other.ms / 1000, 1)} s`);

  log('import through the API …');
  const imp = await importData(api, ds);
  log('baseline COPY …');
  const copy = await baselineLoad(ds);
  const linesTotal = (await sql(`SELECT count(*)::int AS n FROM record r JOIN meta_table t ON t.id = r.table_id WHERE t.key = 'lines'`))
    .rows[0].n;
  if (linesTotal !== ds.records) throw new Error(`imported ${linesTotal} lines, expected ${ds.records}`);
  addCase(
    'import invoice lines',
    ds.records / (imp.ms / 1000),
    'rows/s',
    ds.records / (copy.ms / 1000),
    'higher',
    `POST /api/tables/lines/records?return=ids in batches of ${opts.importBatch} with client ids and the order link (formula total and the orders' rollup computed in the same request), ${opts.importConcurrency} requests in flight: ${round(imp.ms / 1000, 1)} s, batch p50 ${round(imp.batchP50)} ms, p95 ${round(imp.batchP95)} ms; clients and orders before it ${round(imp.headMs / 1000, 1)} s; baseline ${copy.method} into a typed table with its primary key: ${round(copy.ms / 1000, 2)} s`,
  );
  addCase(
    'import invoice lines, against COPY into a table with the same indexes',
    ds.records / (imp.ms / 1000),
    'rows/s',
    ds.records / (copy.indexedMs / 1000),
    'higher',
    `the same import; baseline ${copy.method} into a typed table that has, during the load, the indexes Tabula keeps current during its import (primary key, the primary field's (description, id), the searchable field's trigram GIN, order_id): ${round(copy.indexedMs / 1000, 2)} s`,
  );
  addCase(
    'server peak RSS during import',
    imp.peak / 1048576,
    'MiB',
    null,
    'lower',
    opts.backend === 'pglite'
      ? 'the API process, which also holds the embedded database (PGlite WASM memory included)'
      : 'the API process only (the PostgreSQL server is a separate process and not counted)',
  );

  log('waiting for the index advisor …');
  const params = pageParams(opts.pageRequests, opts.seed);
  const warm = await warmUpIndexes(api, params);
  log(
    `indexes ready after ${round(warm.ms / 1000, 1)} s: ${warm.built.map((b) => `${b.name.replace(/^rec_\w+?_/, '')}:${b.kind}:${b.state}`).join(', ')}`,
  );

  const pageRes = await pageCases(api, params);
  await totalCase(api, params.slice(0, Math.max(20, Math.floor(params.length / 2))), pageRes);
  await searchCase(api, ds, Math.max(20, Math.floor(opts.pageRequests / 4)), warm.meta);
  await pivotCase(api, warm.meta);
  await concurrentCase(api, params);
  const overrides = new Map();
  await fanoutCase(api, ds, overrides);
  formulaEvalCase(ds);
  await recomputeCase(api, ds, overrides, params);

  const out = opts.out ?? join(HERE, 'results', `${opts.backend}-${opts.records}.json`);
  const cpu = cpus();
  const result = {
    backend: opts.backend,
    records: opts.records,
    machine: {
      cpu: cpu[0]?.model ?? 'unknown',
      cores: cpu.length,
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      os: `${platform()} ${release()}`,
      node: process.version,
      database: version,
      host: hostname(),
    },
    date: new Date().toISOString(),
    commit: gitCommit(),
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    options: {
      otherTables: opts.otherTables,
      otherRecords: opts.otherRecords,
      seed: opts.seed,
      pageRequests: opts.pageRequests,
      loadSeconds: opts.loadSeconds,
      importConcurrency: opts.importConcurrency,
      workers: opts.workers ?? null,
    },
    indexes: warm.built.map((b) => ({ name: b.name, kind: b.kind, state: b.state, reason: b.reason })),
    durationSeconds: round((performance.now() - T0) / 1000, 1),
    cases,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  writeFileSync(out.replace(/\.json$/, '') + '.plans.txt', plans.join('\n\n'));
  log(`results written to ${out}`);
}

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);
