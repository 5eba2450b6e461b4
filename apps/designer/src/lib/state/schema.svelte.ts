/**
 * The tables of the workspace with their fields, as last read from `/api/tables`. The
 * designer reloads it after every schema change; screens read tables from here.
 */
import { api } from '../api/client';
import type { Field, Table } from '../api/types';

class Schema {
  tables = $state<Table[]>([]);
  loaded = $state(false);
  private pending: Promise<void> | null = null;

  load(force = false): Promise<void> {
    if (this.loaded && !force) return Promise.resolve();
    this.pending ??= api
      .get<{ items: Table[] }>('/tables')
      .then((r) => {
        this.tables = [...r.items].sort((a, b) => a.position - b.position || a.label.localeCompare(b.label));
        this.loaded = true;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  reload(): Promise<void> {
    return this.load(true);
  }

  table(ref: string | undefined): Table | undefined {
    if (!ref) return undefined;
    return this.tables.find((t) => t.key === ref || t.id === ref);
  }

  clear(): void {
    this.tables = [];
    this.loaded = false;
  }
}

export function fieldsOf(t: Table): Field[] {
  return [...t.fields].sort((a, b) => a.position - b.position);
}

export function fieldByKey(t: Table, key: string): Field | undefined {
  return t.fields.find((f) => f.key === key);
}

export const schema = new Schema();
