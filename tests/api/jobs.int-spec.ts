/**
 * The job runner: claim-once semantics (concurrent claimers, lease take-over), progress in
 * the job row and over GET /api/jobs/:id, merge keys, failures and retries, who may read a
 * job, resuming after a restart, and — on PostgreSQL — two processes sharing one queue.
 * Runs on PGlite, and on PostgreSQL when DATABASE_URL is set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type TabulaApp } from '@tabula/api';
import { JobsService, type JobStep } from '@tabula/api/jobs/jobs.service.js';
import { DomainError } from '@tabula/schema-engine';
import { Client, setupAdmin, startTabula, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let api: Client;
let jobs: JobsService;

/** A job that counts `units` one per batch and keeps the units it saw in its own state. */
function counter(extra?: (s: JobStep) => void) {
  return async (s: JobStep<{ units: number; seen: number[] }>) => {
    extra?.(s);
    const seen = [...(s.data.seen ?? []), s.done];
    const done = s.done + 1;
    return { done, total: s.data.units, finished: done >= s.data.units, data: { ...s.data, seen }, result: { seen: seen.length } };
  };
}

async function waitFor<T>(fn: () => Promise<T | undefined>, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Claims (with `worker`) until this job is the one claimed: older queued jobs are taken on the way. */
async function claimThis(id: string, worker = 'w'): Promise<void> {
  await waitFor(async () => ((await jobs.claim(worker))?.id === id ? true : undefined), `a claim of ${id}`);
}

beforeAll(async () => {
  // the poller is off here: the tests drive claims and batches themselves
  server = await startTabula({ jobs: false });
  api = await setupAdmin(server.url);
  jobs = server.tabula.app.get(JobsService);
  jobs.register('count', counter());
});

afterAll(async () => {
  await server?.close();
});

describe('claims', () => {
  it('hands a job to exactly one of many concurrent claimers, and to nobody else while the lease holds', async () => {
    const id = await jobs.enqueue('count', { units: 3 }, 3);
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => jobs.claim(`worker-${i}`)));
    const winners = claims.filter((c) => c?.id === id);
    expect(winners).toHaveLength(1);
    expect(await jobs.claim('late-worker')).toBeUndefined();
    const winner = `worker-${claims.findIndex((c) => c?.id === id)}`;
    expect(await jobs.runBatch(id, 'late-worker')).toBe('stop'); // not its lease: nothing runs
    expect((await jobs.get(id))!.done).toBe(0);
    expect(await jobs.runBatch(id, winner)).toBe('continue');
    expect((await jobs.get(id))!.done).toBe(1);

    // the holder dies: once its lease expires another worker takes the job over, and the
    // old holder can no longer run a batch of it
    await server.tabula.db.exec(`UPDATE job SET locked_at = now() - interval '1 hour' WHERE id = $1`, [id]);
    const taken = await jobs.claim('successor');
    expect(taken?.id).toBe(id);
    expect(await jobs.runBatch(id, winner)).toBe('stop');
    expect(await jobs.runBatch(id, 'successor')).toBe('continue');
    expect(await jobs.runBatch(id, 'successor')).toBe('stop');
    const done = (await api.get(`/api/jobs/${id}`)).body;
    expect(done).toMatchObject({ id, kind: 'count', state: 'done', done: 3, total: 3, error: null, result: { seen: 3 } });
    // each unit ran once although three workers held the job at some time
    const [row] = await server.tabula.db.query<{ seen: number[] }>(`SELECT payload->'data'->'seen' AS seen FROM job WHERE id = $1`, [id]);
    expect(row!.seen).toEqual([0, 1, 2]);
    expect(await jobs.claim('anyone')).toBeUndefined();
  });

  it('claims only kinds this process can run', async () => {
    const id = await jobs.enqueue('nobody-runs-this', {}, null);
    expect(await jobs.claim('w')).toBeUndefined();
    expect((await jobs.get(id))!.state).toBe('queued');
  });
});

describe('progress over HTTP', () => {
  it('reports done/total/state after every committed batch', async () => {
    const id = await jobs.enqueue('count', { units: 4 }, 4);
    expect((await api.get(`/api/jobs/${id}`)).body).toMatchObject({ state: 'queued', done: 0, total: 4 });
    await claimThis(id);
    const seen: number[] = [];
    while ((await jobs.runBatch(id, 'w')) === 'continue') {
      const r = await api.get(`/api/jobs/${id}`);
      expect(r.body.state).toBe('running');
      seen.push(r.body.done);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect((await api.get(`/api/jobs/${id}`)).body).toMatchObject({ state: 'done', done: 4, total: 4 });
  });

  it('answers 404 for unknown or malformed ids and 401 without a session', async () => {
    expect((await api.get('/api/jobs/0192f0c1-0000-7000-8000-000000000001')).status).toBe(404);
    expect((await api.get('/api/jobs/not-a-uuid')).body.error.code).toBe('NOT_FOUND');
    expect((await new Client(server.url).get('/api/jobs/0192f0c1-0000-7000-8000-000000000001')).status).toBe(401);
  });

  it('lets a user read the jobs they started, and only those', async () => {
    const u = await api.post('/api/users', { email: 'mona@example.com', password: 'a long password', name: 'Mona', roles: ['Manager'] });
    expect(u.status, JSON.stringify(u.body)).toBe(201);
    const login = await new Client(server.url).post('/api/auth/login', { email: 'mona@example.com', password: 'a long password' });
    const mona = new Client(server.url).as(login.body.token);
    const mine = await jobs.enqueue('count', { units: 1 }, 1, { startedBy: u.body.id ?? u.body.user?.id });
    const admins = await jobs.enqueue('count', { units: 1 }, 1);
    expect((await mona.get(`/api/jobs/${mine}`)).body).toMatchObject({ id: mine, state: 'queued' });
    expect((await mona.get(`/api/jobs/${admins}`)).status).toBe(404);
    expect((await api.get(`/api/jobs/${mine}`)).status).toBe(200);
  });
});

describe('merge keys, failures', () => {
  it('returns the queued job of the same kind and key, merging its payload; a running one is not merged', async () => {
    jobs.register('test-merge', counter());
    const merge = (a: { ids: number[] }, b: { ids: number[] }) => ({ units: 1, ids: [...a.ids, ...b.ids] });
    const a = await jobs.enqueue('test-merge', { units: 1, ids: [1] }, null, { mergeKey: 'orders', merge });
    const b = await jobs.enqueue('test-merge', { units: 1, ids: [2] }, null, { mergeKey: 'orders', merge });
    const other = await jobs.enqueue('test-merge', { units: 1, ids: [3] }, null, { mergeKey: 'lines', merge });
    expect(b).toBe(a);
    expect(other).not.toBe(a);
    const [row] = await server.tabula.db.query<{ data: { ids: number[] } }>(`SELECT payload->'data' AS data FROM job WHERE id = $1`, [a]);
    expect(row!.data.ids).toEqual([1, 2]);
    // concurrent enqueues of one key also end in one job
    const many = await Promise.all(
      Array.from({ length: 6 }, (_, i) => jobs.enqueue('test-merge', { units: 1, ids: [10 + i] }, null, { mergeKey: 'burst', merge })),
    );
    expect(new Set(many).size).toBe(1);
    await claimThis(a);
    const c = await jobs.enqueue('test-merge', { units: 1, ids: [4] }, null, { mergeKey: 'orders', merge });
    expect(c).not.toBe(a);
  });

  it('fails a job whose handler throws a domain error; retries other errors with backoff', async () => {
    let calls = 0;
    jobs.register('domain-fail', async () => {
      throw new DomainError('UNPROCESSABLE', 'cannot do this', { why: 'test' });
    });
    jobs.register('flaky', async () => {
      calls++;
      throw new Error('connection reset');
    });
    const bad = await jobs.enqueue('domain-fail', {}, null);
    await claimThis(bad);
    expect(await jobs.runBatch(bad, 'w')).toBe('stop');
    expect((await api.get(`/api/jobs/${bad}`)).body).toMatchObject({
      state: 'failed',
      error: { code: 'UNPROCESSABLE', message: 'cannot do this', details: { why: 'test' } },
    });

    const flaky = await jobs.enqueue('flaky', {}, null);
    await claimThis(flaky);
    expect(await jobs.runBatch(flaky, 'w')).toBe('stop');
    const r = (await api.get(`/api/jobs/${flaky}`)).body;
    expect(r).toMatchObject({ state: 'running', error: null });
    expect(calls).toBe(1);
    // not claimable again before its backoff ends
    expect(await jobs.claim('w2')).toBeUndefined();
    const [row] = await server.tabula.db.query<{ attempts: number }>(
      `SELECT (payload->>'attempts')::int AS attempts FROM job WHERE id = $1`,
      [flaky],
    );
    expect(row!.attempts).toBe(1);
  });
});

describe('the poller', () => {
  // one embedded database per process (typeorm-pglite keeps a single PGlite instance):
  // the apps below run on their own, after the shared server is closed
  beforeAll(async () => {
    await server.close();
  });

  it('resumes a running job after a restart, each unit done once', async () => {
    const dataDir = server.backend === 'pglite' ? mkdtempSync(join(tmpdir(), 'tabula-jobs-')) : undefined;
    const first = await startTabula({ ...(dataDir ? { dataDir } : {}) });
    let second: TabulaApp | undefined;
    try {
      const admin = await setupAdmin(first.url);
      const slow = counter(() => void 0);
      const delayed = async (s: JobStep<{ units: number; seen: number[] }>) => {
        await new Promise((r) => setTimeout(r, 20));
        return slow(s);
      };
      first.tabula.app.get(JobsService).register('slow', delayed);
      const id = await first.tabula.app.get(JobsService).enqueue('slow', { units: 40 }, 40);
      await waitFor(async () => ((await admin.get(`/api/jobs/${id}`)).body.done >= 3 ? true : undefined), 'some progress');
      await first.tabula.close(); // a clean stop mid-job
      second = await createApp({
        port: 0,
        host: '127.0.0.1',
        databaseUrl: first.tabula.config.databaseUrl,
        dataDir: dataDir ?? 'memory://',
        logLevel: 'silent',
        snapshots: false,
      });
      const again = new Client(second.url).as(admin.token!);
      const before = (await again.get(`/api/jobs/${id}`)).body;
      expect(before.state).toBe('running');
      expect(before.done).toBeGreaterThanOrEqual(3);
      expect(before.done).toBeLessThan(40);
      second.app.get(JobsService).register('slow', delayed);
      const end = await waitFor(async () => {
        const r = (await again.get(`/api/jobs/${id}`)).body;
        return r.state === 'done' ? r : undefined;
      }, 'the job to finish after the restart');
      expect(end).toMatchObject({ done: 40, total: 40, result: { seen: 40 } });
      const [row] = await second.db.query<{ seen: number[] }>(`SELECT payload->'data'->'seen' AS seen FROM job WHERE id = $1`, [id]);
      expect(row!.seen).toEqual(Array.from({ length: 40 }, (_, i) => i));
    } finally {
      await second?.close();
      await first.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.skipIf(!process.env.DATABASE_URL)('runs every batch once with two processes polling one queue (PostgreSQL)', async () => {
    const one = await startTabula();
    const two = await createApp({
      port: 0,
      host: '127.0.0.1',
      databaseUrl: one.tabula.config.databaseUrl,
      dataDir: 'memory://',
      logLevel: 'silent',
      snapshots: false,
    });
    try {
      const admin = await setupAdmin(one.url);
      const ran: string[] = [];
      for (const app of [one.tabula, two]) {
        const svc = app.app.get(JobsService);
        svc.register(
          'shared',
          counter((s) => ran.push(`${s.id}:${s.done}:${svc.workerId}`)),
        );
      }
      const ids = await Promise.all(Array.from({ length: 12 }, () => one.tabula.app.get(JobsService).enqueue('shared', { units: 3 }, 3)));
      two.app.get(JobsService).kick();
      for (const id of ids) {
        await waitFor(async () => ((await admin.get(`/api/jobs/${id}`)).body.state === 'done' ? true : undefined), `job ${id}`);
      }
      const units = ran.map((r) => r.split(':').slice(0, 2).join(':'));
      expect(units).toHaveLength(36);
      expect(new Set(units).size).toBe(36);
    } finally {
      await two.close();
      await one.close();
    }
  });
});
