/** Schema endpoints: tables and fields (administrators). */
import { api, enc } from './client';
import type { Field, Table } from './types';

export interface FieldBody {
  key?: string;
  label?: string;
  type?: string;
  options?: Record<string, unknown>;
  required?: boolean;
  unique?: boolean;
  default?: unknown;
  searchable?: boolean;
  position?: number;
}

/** The dry run of a type change (docs/type-changes.md). */
export interface DryRunReport {
  dryRun: true;
  field: string;
  from?: string;
  to?: string;
  total?: number;
  convertible?: number;
  lost?: number;
  empty?: number;
  restored?: number;
  examples?: { id?: string; value?: unknown; from?: unknown; code?: string; reason?: string }[];
  missingChoices?: string[];
  duplicates?: { value: unknown; count: number }[];
  [k: string]: unknown;
}

export const tablesApi = {
  create: (body: { key: string; label: string; primaryField?: string; fields?: FieldBody[] }) => api.post<Table>('/tables', body),
  update: (t: string, body: { key?: string; label?: string; primaryField?: string; position?: number }) => api.patch<Table>(`/tables/${enc(t)}`, body),
  remove: (t: string) => api.del(`/tables/${enc(t)}`),
  addField: (t: string, body: FieldBody) => api.post<Field>(`/tables/${enc(t)}/fields`, body),
  /** A field; for a type change `{job, field}` (202: the conversion runs as a job). */
  updateField: (t: string, f: string, body: FieldBody) => api.patch<Field & { job?: { id: string } }>(`/tables/${enc(t)}/fields/${enc(f)}`, body),
  dryRun: (t: string, f: string, body: FieldBody) => api.patch<DryRunReport>(`/tables/${enc(t)}/fields/${enc(f)}?dryRun=true`, body),
  removeField: (t: string, f: string) => api.del(`/tables/${enc(t)}/fields/${enc(f)}`),
};

const RESERVED = new Set(['id', 'owner', 'version', 'created_at', 'updated_at', 'created_by', 'updated_by', 'deleted_at', 'constructor', 'prototype', '__proto__', 'tostring', 'valueof', 'hasownproperty']);

/** A label → a key the API accepts: `[a-z][a-z0-9_]*`, at most 63 characters, not reserved. */
export function keyFromLabel(label: string, taken: string[] = []): string {
  let k = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!k) k = 'field';
  if (!/^[a-z]/.test(k)) k = 'f_' + k;
  k = k.slice(0, 60);
  if (RESERVED.has(k)) k = k + '_1';
  let out = k;
  for (let i = 2; taken.includes(out); i++) out = `${k}_${i}`;
  return out;
}

export const KEY_RE = /^[a-z][a-z0-9_]{0,62}$/;
