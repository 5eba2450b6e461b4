/** Schema endpoints: tables and fields (administrators). */
import {
  isReservedKey,
  KEY_RE,
  type WireFieldBody,
  type WireFieldSaved,
  type WireLostValue,
  type WireTypeChangeDryRun,
} from '@tabula/schema-engine/wire';
import { api, enc } from './client';
import type { Field, Table } from './types';
import type { Job } from './jobs';

export type FieldBody = WireFieldBody;
export type LostExample = WireLostValue;
export type DryRunReport = WireTypeChangeDryRun;

export const tablesApi = {
  create: (body: { key: string; label: string; primaryField?: string; fields?: FieldBody[] }) => api.post<Table>('/tables', body),
  update: (t: string, body: { key?: string; label?: string; primaryField?: string; position?: number }) =>
    api.patch<Table>(`/tables/${enc(t)}`, body),
  remove: (t: string) => api.del(`/tables/${enc(t)}`),
  addField: (t: string, body: FieldBody) => api.post<Field>(`/tables/${enc(t)}/fields`, body),
  /** The same type: the field (with a recompute `job` when a computed field's source changed). */
  updateField: (t: string, f: string, body: FieldBody) =>
    api.patch<WireFieldSaved<Field['options']>>(`/tables/${enc(t)}/fields/${enc(f)}`, body),
  /** A new type: 202 `{job, field}`, the field still as it was; the conversion runs as the job. */
  changeType: (t: string, f: string, body: FieldBody & { type: string }) =>
    api.patch<{ job: Job; field: Field }>(`/tables/${enc(t)}/fields/${enc(f)}`, body),
  dryRun: (t: string, f: string, body: FieldBody & { type: string }) =>
    api.patch<DryRunReport>(`/tables/${enc(t)}/fields/${enc(f)}?dryRun=true`, body),
  removeField: (t: string, f: string) => api.del(`/tables/${enc(t)}/fields/${enc(f)}`),
};

export { KEY_RE };

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
  if (isReservedKey(k)) k = k + '_1';
  let out = k;
  for (let i = 2; taken.includes(out); i++) out = `${k}_${i}`;
  return out;
}
