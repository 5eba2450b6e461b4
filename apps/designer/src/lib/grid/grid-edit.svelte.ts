/**
 * Writes from the grid: one cell, a pasted range, new rows, and undo of the last change.
 * Every write goes through `saveWithConflicts` (a stale edit asks the user, never
 * overwrites); validation messages from the API are kept per cell (`id:fieldKey`).
 */
import { SvelteMap } from 'svelte/reactivity';
import { ApiError } from '../api/client';
import { recordsApi } from '../api/records';
import type { Field, RecordT, Table } from '../api/types';
import { saveWithConflicts } from '../card/conflict.svelte';
import { fieldTypes } from '../field-types/registry';
import { progress } from '../state/progress.svelte';
import { describeError, toasts } from '../state/toasts.svelte';
import type { RowSource } from './row-source.svelte';

interface Change {
  id: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}
export interface UndoEntry {
  label: string;
  changes: Change[];
  created: string[];
}

function pick(data: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, data[k] ?? null]));
}

export class GridEditor {
  undoStack = $state.raw<UndoEntry[]>([]);
  cellErrors = new SvelteMap<string, string>();

  constructor(
    readonly table: Table,
    readonly source: RowSource,
  ) {}

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }
  get lastLabel(): string {
    return this.undoStack.at(-1)?.label ?? '';
  }

  private push(e: UndoEntry): void {
    if (!e.changes.length && !e.created.length) return;
    this.undoStack = [...this.undoStack.slice(-19), e];
  }

  errorOf(id: string, key: string): string | undefined {
    return this.cellErrors.get(`${id}:${key}`);
  }

  private keepErrors(id: string, e: unknown): boolean {
    if (!(e instanceof ApiError) || e.status !== 400) return false;
    const msgs = e.fieldMessages();
    const keys = Object.keys(msgs).filter((k) => this.table.fields.some((f) => f.key === k));
    for (const k of keys) this.cellErrors.set(`${id}:${k}`, msgs[k]);
    return keys.length > 0;
  }

  /** Saves values of one record; false when refused (messages are on the cells). */
  async save(rec: RecordT, patch: Record<string, unknown>, label: string, record = true): Promise<boolean> {
    for (const k of Object.keys(patch)) this.cellErrors.delete(`${rec.id}:${k}`);
    try {
      const saved = await saveWithConflicts(this.table, rec, patch);
      this.source.replace(saved);
      if (record) this.push({ label, changes: [{ id: rec.id, before: pick(rec.data, Object.keys(patch)), after: patch }], created: [] });
      return true;
    } catch (e) {
      if (!this.keepErrors(rec.id, e)) toasts.error(e, 'Not saved');
      else toasts.show('error', describeError(e));
      return false;
    }
  }

  async create(data: Record<string, unknown>): Promise<RecordT | null> {
    try {
      const rec = await recordsApi(this.table.key).create(data);
      this.source.append([rec]);
      this.push({ label: 'new record', changes: [], created: [rec.id] });
      return rec;
    } catch (e) {
      toasts.error(e, 'Not created');
      return null;
    }
  }

  /**
   * Pastes a block of text cells at (row, col) of the given columns: existing rows are
   * updated, rows past the end are created in one batch. Nothing is written when a cell
   * cannot be read.
   */
  async paste(startRow: number, startCol: number, columns: Field[], cells: string[][]): Promise<void> {
    await this.source.ensure(startRow + cells.length);
    const problems: string[] = [];
    const updates: { rec: RecordT; patch: Record<string, unknown> }[] = [];
    const creates: Record<string, unknown>[] = [];
    cells.forEach((line, r) => {
      const rec = this.source.rows[startRow + r];
      const patch: Record<string, unknown> = {};
      line.forEach((text, c) => {
        const f = columns[startCol + c];
        if (!f) return;
        const ft = fieldTypes.get(f.type);
        if (ft.computed || ft.editor === 'link' || ft.editor === 'attachment') {
          if (text.trim()) problems.push(`${f.label}: ${ft.computed ? 'is computed' : 'cannot be pasted into'}`);
          return;
        }
        const p = ft.parse(text, f, rec?.data[f.key]);
        if ('error' in p) problems.push(`row ${r + 1}, ${f.label}: “${text}” ${p.error}`);
        else patch[f.key] = p.value;
      });
      if (!Object.keys(patch).length) return;
      if (rec) updates.push({ rec, patch });
      else if (Object.values(patch).some((v) => v !== null && v !== '')) creates.push(patch);
    });
    if (problems.length) {
      toasts.show(
        'error',
        `Nothing was pasted. ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (and ${problems.length - 3} more)` : ''}`,
      );
      return;
    }
    const entry: UndoEntry = { label: 'paste', changes: [], created: [] };
    let refused = 0;
    await progress.track(async () => {
      const queue = [...updates];
      const worker = async () => {
        for (let job = queue.shift(); job; job = queue.shift()) {
          const before = pick(job.rec.data, Object.keys(job.patch));
          const ok = await this.saveQuiet(job.rec, job.patch);
          if (ok) entry.changes.push({ id: job.rec.id, before, after: job.patch });
          else refused++;
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      if (creates.length) {
        try {
          const r = await recordsApi(this.table.key).createMany(creates.map((data) => ({ data })));
          this.source.append(r.records);
          entry.created.push(...r.records.map((x) => x.id));
        } catch (e) {
          refused += creates.length;
          const first = e instanceof ApiError ? e.details?.records?.[0] : undefined;
          toasts.show(
            'error',
            `New rows were not created: ${first ? `row ${startRow + updates.length + first.index + 1}: ${first.error?.message}` : describeError(e)}`,
          );
        }
      }
    });
    this.push(entry);
    const done = entry.changes.length + entry.created.length;
    toasts.show(
      refused ? 'error' : 'success',
      `Pasted into ${done} record${done === 1 ? '' : 's'}${entry.created.length ? ` (${entry.created.length} new)` : ''}${refused ? `; ${refused} refused — see the marked cells` : ''}`,
      done ? { label: 'Undo', run: () => void this.undo() } : undefined,
    );
  }

  private async saveQuiet(rec: RecordT, patch: Record<string, unknown>): Promise<boolean> {
    for (const k of Object.keys(patch)) this.cellErrors.delete(`${rec.id}:${k}`);
    try {
      this.source.replace(await saveWithConflicts(this.table, rec, patch));
      return true;
    } catch (e) {
      if (!this.keepErrors(rec.id, e)) this.cellErrors.set(`${rec.id}:${Object.keys(patch)[0]}`, describeError(e));
      return false;
    }
  }

  /** Reverts the last change: values go back (a stale record asks first), new rows go to the trash. */
  async undo(): Promise<void> {
    const e = this.undoStack.at(-1);
    if (!e) return;
    this.undoStack = this.undoStack.slice(0, -1);
    await progress.track(async () => {
      for (const ch of e.changes) {
        const rec =
          this.source.byId(ch.id) ??
          (await recordsApi(this.table.key)
            .get(ch.id)
            .catch(() => null));
        if (rec) await this.saveQuiet(rec, ch.before);
      }
      for (const id of e.created)
        await recordsApi(this.table.key)
          .remove(id)
          .catch(() => undefined);
      if (e.created.length) this.source.remove(e.created);
    });
    toasts.show('info', `Undone: ${e.label}`);
  }

  async remove(ids: string[]): Promise<void> {
    const api = recordsApi(this.table.key);
    const done: string[] = [];
    await progress.track(async () => {
      for (const id of ids) {
        try {
          await api.remove(id);
          done.push(id);
        } catch (e) {
          toasts.error(e, 'Not deleted');
        }
      }
    });
    this.source.remove(done);
    if (done.length)
      toasts.show('info', `${done.length} record${done.length === 1 ? '' : 's'} moved to the trash`, {
        label: 'Undo',
        run: async () => {
          const back = [];
          for (const id of done) back.push(await api.restore(id));
          this.source.append(back);
        },
      });
  }
}
