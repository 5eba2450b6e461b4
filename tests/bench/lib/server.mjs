/**
 * The benchmark's server process: a real Tabula API (createApp) plus an IPC channel for
 * the harness to run baseline SQL on the very same database handle (on PGlite the database
 * lives inside this process, so there is no other way in), to COPY the typed baseline, and
 * to sample this process's resident memory.
 *
 * Messages in: {id, cmd, args}; out: {id, ok, result} or {id, ok: false, error}.
 */
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createApp } from '@tabula/api';
import { buildListQuery, getFieldType } from '@tabula/schema-engine';
import { Dataset } from './dataset.mjs';

const opts = JSON.parse(process.env.BENCH_SERVER ?? '{}');
let tabula;
let peak = 0;
const sampler = setInterval(() => {
  const rss = process.memoryUsage().rss;
  if (rss > peak) peak = rss;
}, 25);
sampler.unref();

/** On PGlite, work that bypasses Database.query must hold its mutex (one session). */
async function withSession(fn) {
  const db = tabula.db;
  if (db.kind !== 'pglite') return fn();
  const release = await db.mutex.lock();
  try {
    return await fn();
  } finally {
    release();
  }
}

async function service(path, name) {
  const mod = await import(`@tabula/api/${path}`);
  return tabula.app.get(mod[name]);
}

async function timed(text, values, repeat = 1) {
  const times = [];
  let rows;
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    rows = await tabula.db.query(text, values);
    times.push(performance.now() - t);
  }
  return { times, rows };
}

const commands = {
  async start() {
    tabula = await createApp({
      port: 0,
      host: '127.0.0.1',
      databaseUrl: opts.databaseUrl,
      dataDir: opts.dataDir ?? 'memory://',
      logLevel: 'error',
      snapshots: false,
    });
    return { url: tabula.url, backend: tabula.db.kind };
  },
  async memory() {
    return { rss: process.memoryUsage().rss, peak };
  },
  async resetPeak() {
    peak = process.memoryUsage().rss;
    return { peak };
  },
  async query({ text, values = [], repeat = 1 }) {
    const r = await timed(text, values, repeat);
    return { times: r.times, rows: r.rows.length > 2000 ? r.rows.slice(0, 2000) : r.rows, rowCount: r.rows.length };
  },
  /** Runs many statements, each timed, returning only the timings and row counts. */
  async queries({ list }) {
    const out = [];
    for (const q of list) {
      const t = performance.now();
      const rows = await tabula.db.query(q.text, q.values ?? []);
      out.push({ ms: performance.now() - t, rowCount: rows.length, first: rows[0] ?? null });
    }
    return out;
  },
  async exec({ text, values = [] }) {
    const t = performance.now();
    const n = await tabula.db.exec(text, values);
    return { ms: performance.now() - t, n };
  },
  /** Statements in one transaction (the baseline of a write that fans out), timed. */
  async tx({ list }) {
    const t = performance.now();
    const results = await tabula.db.tx(async (sql) => {
      const out = [];
      let prev;
      for (const q of list) {
        const values = (q.values ?? []).map((v) => (v === '$prev' ? prev : v));
        const rows = await sql.query(q.text, values);
        prev = rows[0] ? Object.values(rows[0])[0] : null;
        out.push(rows.length);
      }
      return out;
    });
    return { ms: performance.now() - t, results };
  },
  /** `concurrency` workers run the statements round-robin for `ms` milliseconds. */
  async loop({ list, ms, concurrency }) {
    const lat = [];
    const end = performance.now() + ms;
    let k = 0;
    const worker = async () => {
      while (performance.now() < end) {
        const q = list[k++ % list.length];
        const t = performance.now();
        await tabula.db.query(q.text, q.values ?? []);
        lat.push(performance.now() - t);
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { lat, ms: performance.now() - t0 };
  },
  /**
   * COPY of the typed baseline's lines, from rows made before the clock starts:
   * pg-copy-streams (COPY … FROM STDIN) on the server, `COPY … FROM '/dev/blob'` on PGlite.
   */
  async copyLines({ records, seed, table }) {
    const ds = new Dataset(records, seed);
    const chunks = [];
    const CH = 5000;
    for (let i = 0; i < records; i += CH) {
      let s = '';
      for (let j = i; j < Math.min(records, i + CH); j++) s += ds.lineCopy(j);
      chunks.push(Buffer.from(s));
    }
    const cols = '(id, order_id, description, category, date, qty, price, cost, vat, total)';
    const db = tabula.db;
    let method;
    const t = performance.now();
    if (db.kind === 'postgres') {
      const { from } = await import('pg-copy-streams');
      const client = await db.pool.connect();
      try {
        await pipeline(Readable.from(chunks), client.query(from(`COPY ${table} ${cols} FROM STDIN`)));
      } finally {
        client.release();
      }
      method = 'COPY FROM STDIN (pg-copy-streams)';
    } else {
      const blob = new Blob(chunks);
      try {
        await withSession(() => db.pglite.query(`COPY ${table} ${cols} FROM '/dev/blob'`, [], { blob }));
        method = "COPY FROM '/dev/blob'";
      } catch (e) {
        method = `multi-row INSERT (COPY failed: ${e.message})`;
        for (let i = 0; i < records; i += 1000) {
          const vals = [];
          const ph = [];
          for (let j = i; j < Math.min(records, i + 1000); j++) {
            const l = ds.line(j);
            const b = vals.length;
            ph.push(`(${Array.from({ length: 10 }, (_, x) => `$${b + x + 1}`).join(',')})`);
            vals.push(l.id, l.orderId, l.description, l.category, l.date, l.qty, l.price, l.cost, l.vat, l.total);
          }
          await db.exec(`INSERT INTO ${table} ${cols} VALUES ${ph.join(',')}`, vals);
        }
      }
    }
    return { ms: performance.now() - t, method };
  },
  /** Small typed tables (clients, orders) with multi-row INSERTs: not timed. */
  async insertRows({ table, cols, rows }) {
    for (let i = 0; i < rows.length; i += 500) {
      const part = rows.slice(i, i + 500);
      const vals = [];
      const ph = part.map((row) => `(${row.map((v) => (vals.push(v), `$${vals.length}`)).join(',')})`);
      await tabula.db.exec(`INSERT INTO ${table} (${cols.join(',')}) VALUES ${ph.join(',')}`, vals);
    }
    return { n: rows.length };
  },
  /** The SQL that the API's list endpoint would run for these parameters (as the admin). */
  async listSql({ table, params }) {
    const schema = await service('schema/schema.service.js', 'SchemaService');
    const ws = await service('workspace/workspace.service.js', 'WorkspaceService');
    const t = await schema.table(table);
    const q = buildListQuery(t, params, { workspaceId: ws.id, ...ws.valueContext() });
    return { text: q.text, values: q.values, countText: q.countText, countValues: q.countValues };
  },
  /** The pivot statement the report builder generates for a spec (an administrator's view: no scope). */
  async pivotSql({ table, spec }) {
    const schema = await service('schema/schema.service.js', 'SchemaService');
    const ws = await service('workspace/workspace.service.js', 'WorkspaceService');
    const { buildPivotQuery, parsePivotSpec } = await import('@tabula/report-builder');
    const t = await schema.table(table);
    const q = buildPivotQuery(
      t,
      parsePivotSpec(t, spec, () => true),
      { workspaceId: ws.id, canRead: () => true, ...ws.valueContext() },
    );
    return { text: q.text, values: q.values };
  },
  /** Table metadata: ids, slots and the SQL expressions of the field-type registry. */
  async tableMeta({ table }) {
    const schema = await service('schema/schema.service.js', 'SchemaService');
    const ws = await service('workspace/workspace.service.js', 'WorkspaceService');
    const t = await schema.table(table);
    return {
      id: t.id,
      workspaceId: ws.id,
      fields: t.fields.map((f) => ({ id: f.id, key: f.key, slot: f.slot, type: f.type, options: f.options, expr: safeExpr(f) })),
    };
  },
  async explain({ text, values = [] }) {
    const rows = await tabula.db.query(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  },
  async close() {
    await tabula?.close();
    setTimeout(() => process.exit(0), 50);
    return {};
  },
};

function safeExpr(f) {
  try {
    return getFieldType(f.type).sqlExpr(f, 'r');
  } catch {
    return null;
  }
}

process.on('message', async (m) => {
  try {
    const result = await commands[m.cmd](m.args ?? {});
    process.send({ id: m.id, ok: true, result });
  } catch (e) {
    process.send({ id: m.id, ok: false, error: String(e?.stack ?? e) });
  }
});
process.on('disconnect', () => process.exit(0));
