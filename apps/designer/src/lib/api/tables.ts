/** Schema endpoints: tables and fields (administrators). */
import { api, enc } from './client';
import type { Field, Table } from './types';
import type { Job } from './jobs';

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

/** One value a type change cannot convert: the record, its value now (old type, wire form) and why. */
export interface LostExample {
  id: string;
  value: unknown;
  code: string;
  reason: string;
}

/** `PATCH …/fields/:f?dryRun=true` with a new type (docs/type-changes.md): counts over live records. */
export interface DryRunReport {
  dryRun: true;
  /** The field's key. */
  field: string;
  from: string;
  to: string;
  /** The options the change would give the field (carried choices, the previous type's, or the new type's defaults). */
  options: Record<string, unknown>;
  total: number;
  convertible: number;
  lost: number;
  empty: number;
  /** At most 10. */
  examples: LostExample[];
  /** Text → select: values that are not choices. */
  missingChoices?: string[];
  /** A unique field: converted values that would repeat (the change would be refused). */
  duplicates?: { value: unknown; count: number }[];
  /** Going back to the previous type: how many records get their earlier value back (part of `convertible`). */
  restored?: number;
}

export const tablesApi = {
  create: (body: { key: string; label: string; primaryField?: string; fields?: FieldBody[] }) => api.post<Table>('/tables', body),
  update: (t: string, body: { key?: string; label?: string; primaryField?: string; position?: number }) => api.patch<Table>(`/tables/${enc(t)}`, body),
  remove: (t: string) => api.del(`/tables/${enc(t)}`),
  addField: (t: string, body: FieldBody) => api.post<Field>(`/tables/${enc(t)}/fields`, body),
  /** The same type: the field (with a recompute `job` when a computed field's source changed). */
  updateField: (t: string, f: string, body: FieldBody) => api.patch<Field & { job?: Job }>(`/tables/${enc(t)}/fields/${enc(f)}`, body),
  /** A new type: 202 `{job, field}`, the field still as it was; the conversion runs as the job. */
  changeType: (t: string, f: string, body: FieldBody & { type: string }) => api.patch<{ job: Job; field: Field }>(`/tables/${enc(t)}/fields/${enc(f)}`, body),
  dryRun: (t: string, f: string, body: FieldBody & { type: string }) => api.patch<DryRunReport>(`/tables/${enc(t)}/fields/${enc(f)}?dryRun=true`, body),
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
