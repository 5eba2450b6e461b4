/**
 * The rows of a grid, read page by page with the keyset cursor (`after`), so that a
 * 100k-record table opens at once and scrolling reads only what comes into view. The
 * first page also brings the total (for the scrollbar and the count) as `count=estimate`:
 * exact up to 1,000 matches, else the planner's estimate (shown "≈ N"), which a second,
 * background request (`count=exact`, one row) then replaces; later pages skip the count. A newer query cancels an older one (generation counter + AbortController).
 */
import { api, enc } from '../api/client';
import type { ListResult, RecordT, Table } from '../api/types';
import { rememberExpanded } from '../state/links.svelte';

export interface RowQuery {
  filter?: unknown;
  sort?: string;
  q?: string;
}

const FIRST_PAGE = 100;
const PAGE = 200;
const BIG_PAGE = 1000;

export class RowSource {
  rows = $state.raw<RecordT[]>([]);
  total = $state<number | null>(null);
  totalIsEstimate = $state(false);
  done = $state(false);
  /** Bumped when the rows start over (a new query): views keyed by position start over too. */
  version = $state(0);
  loading = $state(false);
  error = $state<unknown>(null);
  private cursor: string | null = null;
  private generation = 0;
  private controller: AbortController | null = null;
  private running: Promise<void> | null = null;
  private wanted = 0;
  private ids = new Set<string>();

  readonly table: string;
  private readonly hasLinks: boolean;

  constructor(
    readonly meta: Table,
    public query: RowQuery = {},
  ) {
    this.table = meta.key;
    this.hasLinks = meta.fields.some((f) => f.type === 'link');
  }

  /** Starts over with a new query (filter, sort or search changed). */
  async reset(query: RowQuery = this.query): Promise<void> {
    this.query = query;
    this.generation++;
    this.controller?.abort();
    this.controller = null;
    this.running = null;
    this.rows = [];
    this.ids = new Set();
    this.cursor = null;
    this.done = false;
    this.total = null;
    this.error = null;
    this.wanted = 0;
    this.version++;
    await this.ensure(0);
  }

  /** Makes sure rows up to `index` (plus a margin) are loaded, reading pages in order. */
  ensure(index: number): Promise<void> {
    this.wanted = Math.max(this.wanted, index);
    if (this.running) return this.running;
    if (this.done || this.rows.length > this.wanted + 40) return Promise.resolve();
    const gen = this.generation;
    // the run reads its own promise only after `await null`, once it is set
    const self: { run?: Promise<void> } = {};
    const run = (self.run = (async () => {
      // start after `this.running` is set, so that finishing at once cannot leave it set
      await null;
      try {
        while (gen === this.generation && !this.done && this.rows.length <= this.wanted + 40) {
          const behind = this.wanted - this.rows.length;
          await this.page(gen, this.rows.length === 0 ? FIRST_PAGE : behind > PAGE ? BIG_PAGE : PAGE);
        }
      } catch (e) {
        if ((e as Error)?.name !== 'AbortError' && gen === this.generation) this.error = e;
      } finally {
        if (this.running === self.run) this.running = null;
        if (gen === this.generation) this.loading = false;
      }
    })());
    this.running = run;
    return run;
  }

  private async page(gen: number, limit: number): Promise<void> {
    this.loading = true;
    this.controller = new AbortController();
    const first = this.rows.length === 0;
    const body: Record<string, unknown> = {
      limit,
      sort: this.query.sort || undefined,
      q: this.query.q || undefined,
      filter: this.query.filter ?? undefined,
    };
    if (this.cursor) body.after = this.cursor;
    body.count = first ? 'estimate' : 'none';
    if (this.hasLinks) body.expand = 'links';
    const r = await api.post<ListResult>(`/tables/${enc(this.table)}/records/query`, body, {
      signal: this.controller.signal,
      quiet: !first,
    });
    if (gen !== this.generation) return;
    if (this.hasLinks) rememberExpanded(this.meta, r.items);
    const fresh = r.items.filter((x) => !this.ids.has(x.id));
    for (const x of fresh) this.ids.add(x.id);
    this.rows = first ? fresh : [...this.rows, ...fresh];
    if (first) {
      this.total = r.total;
      this.totalIsEstimate = r.totalIsEstimate;
      if (r.totalIsEstimate) void this.exactTotal(gen, body);
    }
    this.cursor = r.nextCursor;
    this.done = !r.nextCursor;
    if (this.done) {
      this.total = this.rows.length;
      this.totalIsEstimate = false;
    }
  }

  /** Replaces an estimated total with the exact one (itself an estimate beyond 100,000 matches). */
  private async exactTotal(gen: number, body: Record<string, unknown>): Promise<void> {
    try {
      const r = await api.post<ListResult>(
        `/tables/${enc(this.table)}/records/query`,
        { ...body, limit: 1, count: 'exact', expand: undefined },
        { quiet: true },
      );
      if (gen !== this.generation || this.done || !this.totalIsEstimate || r.total === null) return;
      this.total = Math.max(r.total, this.rows.length);
      this.totalIsEstimate = r.totalIsEstimate;
    } catch {
      // the estimate stays
    }
  }

  /** The count to show: the total when known, else what is loaded. */
  get count(): number {
    return this.total ?? this.rows.length;
  }

  replace(rec: RecordT): void {
    const i = this.rows.findIndex((r) => r.id === rec.id);
    if (i < 0) return;
    const next = this.rows.slice();
    next[i] = rec;
    this.rows = next;
  }

  /** Adds records created here at the end of what is loaded. */
  append(recs: RecordT[]): void {
    const fresh = recs.filter((r) => !this.ids.has(r.id));
    if (!fresh.length) return;
    for (const r of fresh) this.ids.add(r.id);
    this.rows = [...this.rows, ...fresh];
    if (this.total !== null) this.total += fresh.length;
  }

  private pendingSeq = 0;

  /**
   * A row for a record being created: it takes its place at once, so the rows below (the
   * draft row) do not move later under the user's hands; `settle` swaps in the saved record
   * or takes the row out when the create failed.
   */
  addPending(data: Record<string, unknown>): RecordT {
    const now = new Date().toISOString();
    const rec: RecordT = { id: `pending:${++this.pendingSeq}`, version: 0, data, owner: null, createdAt: now, updatedAt: now };
    this.rows = [...this.rows, rec];
    if (this.total !== null) this.total += 1;
    return rec;
  }

  settle(pendingId: string, rec: RecordT | null): void {
    const i = this.rows.findIndex((r) => r.id === pendingId);
    if (i < 0) return;
    const next = this.rows.slice();
    if (rec && !this.ids.has(rec.id)) {
      next[i] = rec;
      this.ids.add(rec.id);
    } else {
      next.splice(i, 1);
      if (this.total !== null) this.total -= 1;
    }
    this.rows = next;
  }

  remove(ids: string[]): void {
    const gone = new Set(ids);
    for (const id of ids) this.ids.delete(id);
    const before = this.rows.length;
    this.rows = this.rows.filter((r) => !gone.has(r.id));
    if (this.total !== null) this.total -= before - this.rows.length;
  }

  byId(id: string): RecordT | undefined {
    return this.rows.find((r) => r.id === id);
  }
}
