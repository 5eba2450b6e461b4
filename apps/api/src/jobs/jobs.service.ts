/**
 * Background jobs: long work (type changes, recomputes, imports) split into batches that
 * each commit on their own, so requests interleave and a restart resumes where it stopped.
 *
 * - `enqueue(kind, payload, total?, opts)` adds a job row (state `queued`). With a merge
 *   key, a job of the same kind and key that is still queued is returned instead (repeated
 *   recompute requests become one job).
 * - `register(kind, handler)`: a handler processes ONE batch inside the transaction the
 *   runner opens for it, and returns `{done, total, finished, data?}`; the job row's
 *   progress and the handler's cursor (`data`) commit with the batch's own writes.
 * - A poller claims jobs with `SELECT … FOR UPDATE SKIP LOCKED` in a short statement and
 *   holds a lease (`locked_by`, `locked_at`), renewed by every batch. A lease that expires
 *   (a crashed process) lets another process take the job over; each batch first checks
 *   that this process still holds the lease, so a job's batches never run twice at once.
 *   On PGlite there is one process: leases left by the previous run are released at start.
 * - A handler that throws a DomainError fails the job (`state: failed`, `error`); any other
 *   error is retried with backoff up to MAX_ATTEMPTS.
 *
 * The row's `payload` is `{data, by, mergeKey, result, attempts}`: the handler's state, the
 * user who started the job (who may read it), the merge key, and a public result.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError, isDomainError, uuidv7 } from '@tabula/schema-engine';
import { APP_CONFIG, DATABASE } from '../database/database.provider.js';
import type { Database, Sql } from '../database/database.js';
import type { AppConfig } from '../common/config.js';
import { WorkspaceService } from '../workspace/workspace.service.js';

export type JobState = 'queued' | 'running' | 'done' | 'failed';

export interface JobError {
  code: string;
  message: string;
  details?: unknown;
}

/** What GET /api/jobs/:id answers. */
export interface JobOut {
  id: string;
  kind: string;
  state: JobState;
  done: number;
  total: number | null;
  error: JobError | null;
  result?: unknown;
  createdAt: string;
  updatedAt: string;
}

export interface JobStep<D = any> {
  id: string;
  kind: string;
  data: D;
  done: number;
  total: number | null;
  startedBy: string | null;
  /**
   * The batch's transaction: every read and write of the batch goes through it. Never use
   * the Database itself inside a handler: on PGlite the batch holds the one connection.
   */
  sql: Sql;
}

export interface StepResult<D = any> {
  done: number;
  total?: number | null;
  finished: boolean;
  /** The handler's new state (cursor, counters); kept when absent. */
  data?: D;
  /** Public outcome shown by GET /api/jobs/:id. */
  result?: unknown;
  /** Finishes the job as failed with this error (after the handler cleaned up). */
  error?: JobError;
  /** Runs after the batch committed (outside any transaction). */
  afterCommit?: () => Promise<void>;
}

export type JobHandler<D = any> = (step: JobStep<D>) => Promise<StepResult<D>>;

export interface EnqueueOptions {
  /** A queued job of the same kind and key is returned instead of a new one. */
  mergeKey?: string;
  /** Combines the queued job's payload with the new one when they merge. */
  merge?: (queued: any, next: any) => unknown;
  startedBy?: string | null;
  /** Enqueue inside the caller's transaction (call kick() after it commits). */
  sql?: Sql;
}

interface JobRow {
  id: string;
  kind: string;
  state: JobState;
  payload: { data?: unknown; by?: string | null; mergeKey?: string; result?: unknown; attempts?: number };
  done: string;
  total: string | null;
  error: JobError | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const MAX_ATTEMPTS = 3;
const COLUMNS = 'id, kind, state, payload, done::text AS done, total::text AS total, error, created_at, updated_at';

@Injectable()
export class JobsService implements OnApplicationShutdown {
  private readonly logger = new Logger('jobs');
  private readonly handlers = new Map<string, JobHandler>();
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  /** A claim older than this is taken over (the process that held it is presumed dead). */
  leaseSeconds = 120;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ws: WorkspaceService,
  ) {}

  register<D>(kind: string, handler: JobHandler<D>): void {
    if (this.handlers.has(kind)) throw new Error(`A handler for job kind "${kind}" is already registered`);
    this.handlers.set(kind, handler as JobHandler);
    this.kick();
  }

  /** Starts the poller (when background jobs are on in this process). */
  async start(intervalMs = 500): Promise<void> {
    if (!this.config.jobs || this.timer || this.stopped) return;
    if (this.db.kind === 'pglite') {
      // one process owns the embedded database: claims left by the previous run are stale
      await this.db.exec(
        `UPDATE job SET locked_by = NULL, locked_at = NULL WHERE workspace_id = $1 AND state = 'running' AND locked_by IS NOT NULL`,
        [this.ws.id],
      );
    }
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.loop;
  }

  async enqueue(kind: string, payload: unknown, total: number | null = null, opts: EnqueueOptions = {}): Promise<string> {
    const run = async (sql: Sql): Promise<string> => {
      if (opts.mergeKey !== undefined) {
        // serialises enqueuers of one key; the queued job, if any, absorbs the request
        await sql.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`job:${this.ws.id}:${kind}:${opts.mergeKey}`]);
        const [queued] = await sql.query<{ id: string; data: unknown }>(
          `SELECT id, payload->'data' AS data FROM job WHERE workspace_id = $1 AND kind = $2 AND state = 'queued' AND payload->>'mergeKey' = $3 ORDER BY created_at LIMIT 1 FOR UPDATE`,
          [this.ws.id, kind, opts.mergeKey],
        );
        if (queued) {
          if (opts.merge) {
            await sql.exec(
              `UPDATE job SET payload = jsonb_set(payload, '{data}', $3::jsonb), updated_at = now() WHERE workspace_id = $1 AND id = $2`,
              [this.ws.id, queued.id, JSON.stringify(opts.merge(queued.data, payload) ?? null)],
            );
          }
          return queued.id;
        }
      }
      const id = uuidv7();
      const row = {
        data: payload ?? null,
        by: opts.startedBy ?? null,
        ...(opts.mergeKey !== undefined ? { mergeKey: opts.mergeKey } : {}),
      };
      await sql.exec(`INSERT INTO job (workspace_id, id, kind, payload, total) VALUES ($1, $2, $3, $4::jsonb, $5)`, [
        this.ws.id,
        id,
        kind,
        JSON.stringify(row),
        total,
      ]);
      return id;
    };
    if (opts.sql) return run(opts.sql);
    const id = await this.db.tx(run);
    this.kick();
    return id;
  }

  /** The job as the API shows it, or undefined. */
  async get(id: string, sql: Sql = this.db): Promise<(JobOut & { startedBy: string | null }) | undefined> {
    const [row] = await sql.query<JobRow>(`SELECT ${COLUMNS} FROM job WHERE workspace_id = $1 AND id = $2`, [this.ws.id, id]);
    return row ? { ...toOut(row), startedBy: row.payload?.by ?? null } : undefined;
  }

  /** Wakes the poller now instead of at its next tick. */
  kick(): void {
    if (!this.timer || this.stopped) return;
    if (this.loop) {
      this.again = true;
      return;
    }
    // the runner must never inherit a request's transaction (it would keep using its
    // connection after the commit): start it outside the async context
    this.loop = this.db
      .outside(() => this.drain())
      .catch((e) => this.logger.error(e))
      .finally(() => {
        this.loop = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      this.again = false;
      const job = await this.claim();
      if (!job) return;
      try {
        while (!this.stopped && (await this.runBatch(job.id)) === 'continue') {
          // let queued requests take the database between two batches
          await new Promise((r) => setImmediate(r));
        }
      } finally {
        if (this.stopped) await this.release(job.id);
      }
    }
  }

  /**
   * Claims the oldest runnable job of a kind this process can run: queued, or running
   * with an expired lease. One short statement; SKIP LOCKED lets concurrent claimers
   * pass over a row another is claiming, and the lease keeps it theirs afterwards.
   */
  async claim(worker = this.workerId): Promise<{ id: string; kind: string } | undefined> {
    const kinds = [...this.handlers.keys()];
    if (!kinds.length) return undefined;
    const [row] = await this.db.query<{ id: string; kind: string }>(
      `UPDATE job j SET state = 'running', locked_by = $2, locked_at = now(), updated_at = now()
        WHERE j.workspace_id = $1 AND j.id = (
          SELECT id FROM job
           WHERE workspace_id = $1 AND state IN ('queued', 'running') AND kind = ANY($3::text[]) AND run_after <= now()
             AND (locked_by IS NULL OR locked_at < now() - make_interval(secs => $4))
           ORDER BY created_at, id LIMIT 1
           FOR UPDATE SKIP LOCKED)
        RETURNING j.id, j.kind`,
      [this.ws.id, worker, kinds, this.leaseSeconds],
    );
    return row;
  }

  /** Runs one batch of a job this worker holds. 'continue' while there is more to do. */
  async runBatch(id: string, worker = this.workerId): Promise<'continue' | 'stop'> {
    let after: (() => Promise<void>) | undefined;
    let outcome: 'continue' | 'stop';
    try {
      outcome = await this.db.tx(async (sql) => {
        after = undefined;
        const [row] = await sql.query<JobRow>(
          `SELECT ${COLUMNS} FROM job WHERE workspace_id = $1 AND id = $2 AND state = 'running' AND locked_by = $3 FOR UPDATE`,
          [this.ws.id, id, worker],
        );
        if (!row) return 'stop'; // the lease was lost, or the job ended
        const handler = this.handlers.get(row.kind);
        if (!handler) throw new DomainError('INTERNAL', `No handler for jobs of kind "${row.kind}"`);
        const payload = row.payload ?? {};
        const r = await handler({
          id,
          kind: row.kind,
          data: payload.data,
          done: Number(row.done),
          total: row.total === null ? null : Number(row.total),
          startedBy: payload.by ?? null,
          sql,
        });
        after = r.afterCommit;
        const next = {
          ...payload,
          data: r.data === undefined ? payload.data : r.data,
          ...(r.result !== undefined ? { result: r.result } : {}),
        };
        const state: JobState = !r.finished ? 'running' : r.error ? 'failed' : 'done';
        const total = r.total === undefined ? row.total : r.total;
        await sql.exec(
          `UPDATE job SET state = $3, done = $4, total = $5, payload = $6::jsonb, error = $7::jsonb, locked_at = now(), updated_at = now(),
                  locked_by = CASE WHEN $3 = 'running' THEN locked_by END
            WHERE workspace_id = $1 AND id = $2`,
          [this.ws.id, id, state, r.done, total, JSON.stringify(next), r.error ? JSON.stringify(r.error) : null],
        );
        return r.finished ? 'stop' : 'continue';
      });
    } catch (e) {
      await this.recordFailure(id, worker, e);
      return 'stop';
    }
    if (after) await after().catch((e) => this.logger.error(e));
    return outcome;
  }

  private async recordFailure(id: string, worker: string, e: unknown): Promise<void> {
    const domain = isDomainError(e);
    if (!domain) this.logger.error(e);
    const error: JobError = domain
      ? { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) }
      : { code: 'INTERNAL', message: 'The job failed unexpectedly' };
    await this.db
      .exec(
        `UPDATE job SET
          payload = jsonb_set(payload, '{attempts}', to_jsonb(COALESCE((payload->>'attempts')::int, 0) + 1)),
          state = CASE WHEN $4 OR COALESCE((payload->>'attempts')::int, 0) + 1 >= $5 THEN 'failed' ELSE 'running' END,
          error = CASE WHEN $4 OR COALESCE((payload->>'attempts')::int, 0) + 1 >= $5 THEN $6::jsonb END,
          run_after = now() + make_interval(secs => power(2, COALESCE((payload->>'attempts')::int, 0) + 1)),
          locked_by = NULL, locked_at = NULL, updated_at = now()
        WHERE workspace_id = $1 AND id = $2 AND locked_by = $3`,
        [this.ws.id, id, worker, domain, MAX_ATTEMPTS, JSON.stringify(error)],
      )
      .catch((err) => this.logger.error(err));
  }

  /** Gives the job back (clean shutdown): another process, or the next start, continues it. */
  private async release(id: string): Promise<void> {
    await this.db
      .exec(
        `UPDATE job SET locked_by = NULL, locked_at = NULL WHERE workspace_id = $1 AND id = $2 AND locked_by = $3 AND state = 'running'`,
        [this.ws.id, id, this.workerId],
      )
      .catch(() => undefined);
  }
}

function iso(v: Date | string): string {
  return new Date(v).toISOString();
}

export function toOut(row: JobRow): JobOut {
  const out: JobOut = {
    id: row.id,
    kind: row.kind,
    state: row.state,
    done: Number(row.done),
    total: row.total === null ? null : Number(row.total),
    error: row.error ?? null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
  if (row.payload?.result !== undefined) out.result = row.payload.result;
  return out;
}

/** A 202 answer: the body plus the job's address (AcceptedInterceptor sends it so). */
export const ACCEPTED = Symbol('accepted');
export function accepted<T extends Record<string, unknown>>(body: T, location: string): T {
  return Object.assign(body, { [ACCEPTED]: location });
}
