/**
 * Type changes over HTTP (issue #3, item 6): dry runs that change nothing, real changes as
 * jobs with progress, values converted and losses reported, restoring the previous type,
 * select ↔ multiSelect, date ↔ dateTime in the workspace zone, number → money, refusals
 * that change nothing, a 100k-record conversion while other requests keep answering, and
 * writes made during a conversion caught up at the switch. PGlite, and PostgreSQL when
 * DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobsService } from '@tabula/api/jobs/jobs.service.js';
import { WorkspaceService } from '@tabula/api/workspace/workspace.service.js';
import { Client, q, setupAdmin, startTabula, type Res, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let api: Client;

function ok(r: Res, status = 200) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r.body;
}

async function waitJob(id: string, c = api): Promise<any> {
  for (const end = Date.now() + 300_000; Date.now() < end;) {
    const j = ok(await c.get(`/api/jobs/${id}`));
    if (j.state === 'done' || j.state === 'failed') return j;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} did not finish`);
}

/** Every record of a table (trash excluded): id → data. */
async function records(table: string, c = api): Promise<Map<string, Record<string, any>>> {
  const out = new Map<string, Record<string, any>>();
  for (let after: string | undefined; ;) {
    const r = ok(await c.get(`/api/tables/${table}/records${q({ limit: 1000, count: 'none', after })}`));
    for (const rec of r.items) out.set(rec.id, rec.data);
    if (!r.nextCursor) return out;
    after = r.nextCursor;
  }
}

async function createTable(key: string, fields: unknown[], rows: Record<string, unknown>[], c = api): Promise<string[]> {
  ok(await c.post('/api/tables', { key, label: key, fields }), 201);
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    const r = ok(await c.post(`/api/tables/${key}/records`, { records: rows.slice(i, i + 1000).map((data) => ({ data })) }), 201);
    ids.push(...r.records.map((x: { id: string }) => x.id));
  }
  return ids;
}

const field = async (table: string, key: string) =>
  ok(await api.get(`/api/tables/${table}`)).fields.find((f: { key: string }) => f.key === key);

/** Runs `fn` and checks that the table, its records, the schema version and the job queue did not move. */
async function unchanged(table: string, fn: () => Promise<void>) {
  const state = async () => ({
    table: ok(await api.get(`/api/tables/${table}`)),
    records: [...(await records(table))],
    meta: await server.tabula.db.query(
      `SELECT schema_version::text AS v, next_slot, (SELECT count(*)::int FROM job) AS jobs FROM workspace`,
    ),
  });
  const before = await state();
  await fn();
  expect(await state()).toEqual(before);
}

async function change(table: string, key: string, body: unknown): Promise<any> {
  const r = await api.patch(`/api/tables/${table}/fields/${key}`, body);
  const b = ok(r, 202);
  expect(r.headers.get('location')).toBe(`/api/jobs/${b.job.id}`);
  return waitJob(b.job.id);
}

const dryRun = async (table: string, key: string, body: unknown) =>
  ok(await api.patch(`/api/tables/${table}/fields/${key}?dryRun=true`, body));

beforeAll(async () => {
  server = await startTabula();
  api = await setupAdmin(server.url);
});

afterAll(async () => {
  await server?.close();
});

describe('text → number', () => {
  const QTY = ['42', '1 234,50', '1,5', 'abc', '1,234', undefined, '-7.25', '99'];
  let ids: string[];

  beforeAll(async () => {
    ids = await createTable(
      'stock',
      [
        { key: 'name', type: 'text' },
        { key: 'qty', type: 'text' },
      ],
      QTY.map((qty, i) => ({ name: `r${i}`, ...(qty ? { qty } : {}) })),
    );
    expect((await api.del(`/api/tables/stock/records/${ids[7]}`)).status).toBe(204); // the trash converts too
  });

  it('reports counts and examples in a dry run, changing nothing', async () => {
    let report: any;
    await unchanged('stock', async () => {
      report = await dryRun('stock', 'qty', { type: 'number' });
    });
    expect(report).toMatchObject({ dryRun: true, field: 'qty', from: 'text', to: 'number', total: 7, convertible: 4, lost: 2, empty: 1 });
    expect(report.examples).toEqual([
      { id: ids[3], value: 'abc', code: 'NOT_A_NUMBER', reason: expect.any(String) },
      { id: ids[4], value: '1,234', code: 'AMBIGUOUS_NUMBER', reason: expect.stringContaining('1234') },
    ]);
  });

  it('converts in a job with progress, keeps the losses restorable, writes one summary audit row', async () => {
    const r = await api.patch('/api/tables/stock/fields/qty', { type: 'number', label: 'Quantity' });
    const started = ok(r, 202);
    expect(started.field).toMatchObject({ key: 'qty', type: 'text' }); // switched at the end, not now
    expect(['queued', 'running', 'done']).toContain(started.job.state);
    const job = await waitJob(started.job.id);
    expect(job).toMatchObject({ kind: 'convert-field', state: 'done', done: 8, total: 8, error: null });
    expect(job.result).toMatchObject({ total: 7, convertible: 4, lost: 2, empty: 1 });
    expect(job.result.examples.map((e: { id: string }) => e.id)).toEqual([ids[3], ids[4]]);
    expect(await field('stock', 'qty')).toMatchObject({ type: 'number', label: 'Quantity', options: {} });
    const data = await records('stock');
    expect(ids.slice(0, 7).map((id) => data.get(id)!.qty ?? null)).toEqual([42, 1234.5, 1.5, null, null, null, -7.25]);
    ok(await api.post(`/api/tables/stock/records/${ids[7]}/restore`));
    expect((await records('stock')).get(ids[7])!.qty).toBe(99);
    const gt = ok(await api.get(`/api/tables/stock/records${q({ filter: { field: 'qty', op: 'gt', value: 50 }, sort: 'qty' })}`));
    expect(gt.items.map((x: { data: { qty: number } }) => x.data.qty)).toEqual([99, 1234.5]);
    const audit = await server.tabula.db.query<{ n: number; lost: string }>(
      `SELECT count(*)::int AS n, max(summary->>'lost') AS lost FROM audit_event WHERE action = 'type_change'`,
    );
    expect(audit[0]).toEqual({ n: 1, lost: '2' });
  });

  it('restores the previous text when changed back, converting only what was edited since', async () => {
    ok(await api.patch(`/api/tables/stock/records/${ids[0]}`, { data: { qty: 5 } }));
    const report = await dryRun('stock', 'qty', { type: 'text' });
    expect(report).toMatchObject({ total: 8, convertible: 7, lost: 0, empty: 1, restored: 6 });
    const job = await change('stock', 'qty', { type: 'text' });
    expect(job.result).toMatchObject({ convertible: 7, restored: 6 });
    expect(await field('stock', 'qty')).toMatchObject({ type: 'text', options: { maxLength: 1000 } });
    const data = await records('stock');
    expect(ids.map((id) => data.get(id)!.qty ?? null)).toEqual(['5', '1 234,50', '1,5', 'abc', '1,234', null, '-7.25', '99']);
  });
});

describe('choices', () => {
  const STAGES = { choices: [{ value: 'lead' }, { value: 'won' }, { value: 'lost' }] };
  let ids: string[];

  beforeAll(async () => {
    ids = await createTable(
      'deals',
      [
        { key: 'title', type: 'text' },
        { key: 'stage', type: 'select', options: STAGES },
        { key: 'note', type: 'text' },
      ],
      [
        { title: 'a', stage: 'lead', note: 'lead' },
        { title: 'b', stage: 'won', note: 'gold' },
        { title: 'c', note: 'won' },
      ],
    );
  });

  it('select → multiSelect keeps the choices; multiSelect → select loses several values', async () => {
    const before = await field('deals', 'stage');
    expect(await dryRun('deals', 'stage', { type: 'multiSelect' })).toMatchObject({ total: 3, convertible: 2, lost: 0, empty: 1 });
    await change('deals', 'stage', { type: 'multiSelect' });
    const after = await field('deals', 'stage');
    expect(after.type).toBe('multiSelect');
    expect(after.options.choices).toEqual(before.options.choices);
    let data = await records('deals');
    expect(ids.map((id) => data.get(id)!.stage ?? null)).toEqual([['lead'], ['won'], null]);

    ok(await api.patch(`/api/tables/deals/records/${ids[0]}`, { data: { stage: ['lead', 'won'] } }));
    const report = await dryRun('deals', 'stage', { type: 'select' });
    expect(report).toMatchObject({ convertible: 1, lost: 1, empty: 1 });
    expect(report.examples).toEqual([{ id: ids[0], value: ['lead', 'won'], code: 'SEVERAL_VALUES', reason: expect.any(String) }]);
    const job = await change('deals', 'stage', { type: 'select' });
    expect(job.result).toMatchObject({ lost: 1 });
    data = await records('deals');
    expect(ids.map((id) => data.get(id)!.stage ?? null)).toEqual([null, 'won', null]);
  });

  it('text → select lists the values that are not choices; applying with them converts all', async () => {
    const choices = [{ value: 'lead' }, { value: 'won' }];
    const report = await dryRun('deals', 'note', { type: 'select', options: { choices } });
    expect(report).toMatchObject({ convertible: 2, lost: 1, missingChoices: ['gold'] });
    const job = await change('deals', 'note', { type: 'select', options: { choices: [...choices, { value: 'gold', color: 'yellow' }] } });
    expect(job.result).toMatchObject({ convertible: 3, lost: 0 });
    const data = await records('deals');
    expect(ids.map((id) => data.get(id)!.note)).toEqual(['lead', 'gold', 'won']);
  });
});

describe('dates and money', () => {
  it('date ↔ dateTime at midnight in the workspace time zone', async () => {
    const wsService = server.tabula.app.get(WorkspaceService);
    await server.tabula.db.exec(`UPDATE workspace SET time_zone = 'Europe/Bucharest'`);
    await wsService.reload();
    try {
      const ids = await createTable('events', [{ key: 'day', type: 'date' }], [{ day: '2026-11-26' }, { day: '2026-07-01' }]);
      await change('events', 'day', { type: 'dateTime' });
      let data = await records('events');
      expect(ids.map((id) => data.get(id)!.day)).toEqual(['2026-11-25T22:00:00.000Z', '2026-06-30T21:00:00.000Z']);
      ok(await api.patch(`/api/tables/events/records/${ids[0]}`, { data: { day: '2026-11-26T23:30:00Z' } })); // 01:30 on the 27th there
      await change('events', 'day', { type: 'date' });
      data = await records('events');
      expect(ids.map((id) => data.get(id)!.day)).toEqual(['2026-11-27', '2026-07-01']);
    } finally {
      await server.tabula.db.exec(`UPDATE workspace SET time_zone = 'UTC'`);
      await wsService.reload();
    }
  });

  it('number → money takes the currency and loses amounts finer than its minor units', async () => {
    const ids = await createTable(
      'prices',
      [
        { key: 'item', type: 'text' },
        { key: 'amount', type: 'number' },
      ],
      [{ amount: '19.99' }, { amount: 5 }, { amount: '1.005' }, { amount: -3.5 }],
    );
    const report = await dryRun('prices', 'amount', { type: 'money', options: { currency: 'EUR' } });
    expect(report).toMatchObject({ convertible: 3, lost: 1, examples: [{ id: ids[2], value: 1.005, code: 'TOO_MANY_DECIMALS' }] });
    await change('prices', 'amount', { type: 'money', options: { currency: 'EUR' } });
    const data = await records('prices');
    expect(ids.map((id) => data.get(id)!.amount ?? null)).toEqual([
      { amount: '19.99', currency: 'EUR' },
      { amount: '5.00', currency: 'EUR' },
      null,
      { amount: '-3.50', currency: 'EUR' },
    ]);
  });
});

describe('refusals change nothing', () => {
  let codeId: string;

  beforeAll(async () => {
    await createTable(
      'guard',
      [
        { key: 'title', type: 'text' },
        { key: 'code', type: 'text', unique: true },
        { key: 'flag', type: 'boolean' },
        { key: 'note', type: 'text' },
      ],
      [
        { title: 'a', code: '1', flag: true },
        { title: 'b', code: '1.0', flag: false },
      ],
    );
    codeId = (await field('guard', 'code')).id;
  });

  it('refuses unknown conversions and bad bodies', async () => {
    await unchanged('guard', async () => {
      for (const dry of ['', '?dryRun=true']) {
        const r = await api.patch(`/api/tables/guard/fields/flag${dry}`, { type: 'date' });
        expect(r.status).toBe(422);
        expect(r.body.error).toMatchObject({ code: 'UNPROCESSABLE', details: { type: { code: 'NO_CONVERSION' } } });
      }
      const bodies = [
        { type: 'nosuch' },
        { type: 'money', options: { currency: 'EURO' } },
        { type: 'number', position: 1 },
        { type: 'number', bogus: 1 },
        { type: 'number', options: { maxLength: 3 } },
      ].map((b) => JSON.stringify(b));
      for (const raw of [...bodies, '{"type":"number","__proto__":{"x":1}}', '{"type":"number","options":{"__proto__":{"scale":2}}}']) {
        const r = await api.req('PATCH', '/api/tables/guard/fields/code', undefined, { raw });
        expect(r.status, raw).toBe(400);
        expect(r.body.error.code).toBe('VALIDATION_FAILED');
      }
      expect((await api.patch('/api/tables/guard/fields/code', [{ type: 'number' }])).status).toBe(400);
      expect((await api.patch('/api/tables/guard/fields/nope', { type: 'number' })).status).toBe(404);
      expect((await api.patch('/api/tables/nope/fields/code', { type: 'number' })).status).toBe(404);
      // the primary field cannot become a type that cannot name a record
      const p = await api.patch('/api/tables/guard/fields/title', { type: 'money', options: { currency: 'EUR' } });
      expect(p.status).toBe(422);
      expect(p.body.error.details.type.code).toBe('PRIMARY_FIELD');
    });
  });

  it('refuses a unique field whose converted values repeat (the dry run shows them)', async () => {
    await unchanged('guard', async () => {
      expect(await dryRun('guard', 'code', { type: 'number' })).toMatchObject({ convertible: 2, duplicates: [{ value: 1, count: 2 }] });
      const r = await api.patch('/api/tables/guard/fields/code', { type: 'number' });
      expect(r.status).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'UNIQUE_VIOLATION', details: { duplicates: [{ value: 1, count: 2 }] } });
    });
  });

  it('refuses a field that other fields depend on, naming them', async () => {
    // a formula stores the fields it uses by id in its options (the formula type lands separately)
    await server.tabula.db.exec(
      `UPDATE meta_field SET options = options || jsonb_build_object('expression', '{' || $1 || '} & "x"') WHERE key = 'note' AND table_id = (SELECT table_id FROM meta_field WHERE id = $1)`,
      [codeId],
    );
    await server.tabula.db.exec(`UPDATE workspace SET schema_version = schema_version + 1`);
    try {
      await unchanged('guard', async () => {
        const r = await api.patch('/api/tables/guard/fields/code', { type: 'longText' });
        expect(r.status).toBe(422);
        expect(r.body.error.details.dependants).toEqual([{ table: 'guard', field: 'note' }]);
      });
    } finally {
      await server.tabula.db.exec(
        `UPDATE meta_field SET options = options - 'expression' WHERE key = 'note' AND table_id = (SELECT table_id FROM meta_field WHERE id = $1)`,
        [codeId],
      );
      await server.tabula.db.exec(`UPDATE workspace SET schema_version = schema_version + 1`);
    }
  });
});

describe('100,000 records', () => {
  it('converts while other requests keep answering, catching up writes made meanwhile', async () => {
    await createTable(
      'other',
      [{ key: 'name', type: 'text' }],
      Array.from({ length: 20 }, (_, i) => ({ name: `n${i}` })),
    );
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ code: i % 1000 === 7 ? `x${i}` : String(i) }));
    const ids = await createTable('big', [{ key: 'code', type: 'text' }], rows);
    const started = ok(await api.patch('/api/tables/big/fields/code', { type: 'number' }), 202);
    const id = started.job.id;
    const reads: { status: number; duringJob: boolean }[] = [];
    let wrote = false;
    let partial = false;
    let extra: string | undefined;
    for (;;) {
      const job = ok(await api.get(`/api/jobs/${id}`));
      if (job.state === 'done' || job.state === 'failed') break;
      if (job.done > 0 && job.done < job.total) partial = true;
      const r = await api.get('/api/tables/other/records?limit=20');
      reads.push({ status: r.status, duringJob: true });
      if (!wrote && job.done >= 4000) {
        // the first record was converted in the first batch: this write must be caught up
        wrote = true;
        ok(await api.patch(`/api/tables/big/records/${ids[0]}`, { data: { code: '777777' } }));
        extra = ok(await api.post('/api/tables/big/records', { data: { code: '31337' } }), 201).id;
      }
    }
    const job = await waitJob(id);
    expect(job).toMatchObject({ state: 'done', error: null });
    expect(job.result).toMatchObject({ convertible: 100_000 - 100 + (extra ? 1 : 0), lost: 100, empty: 0 });
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((r) => r.status === 200)).toBe(true);
    expect(partial).toBe(true);
    const first = ok(await api.get(`/api/tables/big/records/${ids[0]}`));
    expect(first.data.code).toBe(wrote ? 777777 : 0);
    if (extra) expect(ok(await api.get(`/api/tables/big/records/${extra}`)).data.code).toBe(31337);
    const lost = ok(await api.get(`/api/tables/big/records${q({ filter: { field: 'code', op: 'isEmpty' }, limit: 1 })}`));
    expect(lost.total).toBe(100);
  });
});

describe('during a conversion (batches driven by hand)', () => {
  // one embedded database per process: this part runs on a server of its own, jobs off
  let own: TestServer;
  let c: Client;
  beforeAll(async () => {
    await server.close();
    own = await startTabula({ jobs: false });
    c = await setupAdmin(own.url);
  });
  afterAll(async () => {
    await own?.close();
  });

  it('keeps the field readable and writable on its old type, and switches with every write caught up', async () => {
    const ids = await createTable(
      'acc',
      [{ key: 'code', type: 'text' }],
      Array.from({ length: 5000 }, (_, i) => ({ code: String(i) })),
      c,
    );
    const started = ok(await c.patch('/api/tables/acc/fields/code', { type: 'number' }), 202);
    const id = started.job.id;
    expect((await c.patch('/api/tables/acc/fields/code', { type: 'longText' })).body.error.code).toBe('CONFLICT');
    const jobs = own.tabula.app.get(JobsService);
    while ((await jobs.claim('hand'))?.id !== id);
    expect(await jobs.runBatch(id, 'hand')).toBe('continue');
    expect(ok(await c.get(`/api/jobs/${id}`))).toMatchObject({ state: 'running', done: 2000, total: 5000 });
    // still text: read it, write it (one converted already, one not yet), add a record
    expect(ok(await c.get(`/api/tables/acc/records/${ids[0]}`)).data.code).toBe('0');
    ok(await c.patch(`/api/tables/acc/records/${ids[0]}`, { data: { code: '12,5' } }));
    ok(await c.patch(`/api/tables/acc/records/${ids[4999]}`, { data: { code: 'zzz' } }));
    const added = ok(await c.post('/api/tables/acc/records', { data: { code: '8' } }), 201).id;
    expect(ok(await c.get('/api/tables/acc')).fields[0].type).toBe('text');
    while ((await jobs.runBatch(id, 'hand')) === 'continue');
    const job = await waitJob(id, c);
    expect(job).toMatchObject({ state: 'done', result: { total: 5001, convertible: 5000, lost: 1 } });
    const data = await records('acc', c);
    expect([data.get(ids[0])!.code, data.get(ids[1])!.code, data.get(ids[4999])!.code ?? null, data.get(added)!.code]).toEqual([
      12.5,
      1,
      null,
      8,
    ]);
  });
});
