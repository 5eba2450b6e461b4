/** Record endpoints of one table. */
import { api, enc } from './client';
import type { HistoryEvent, ListResult, RecordT } from './types';

export function recordsApi(table: string) {
  const base = `/tables/${enc(table)}`;
  return {
    get: (id: string) => api.get<RecordT>(`${base}/records/${enc(id)}`),
    create: (data: Record<string, unknown>) => api.post<RecordT>(`${base}/records`, { data }),
    createMany: (records: { data: Record<string, unknown> }[]) => api.post<{ records: RecordT[] }>(`${base}/records`, { records }),
    update: (id: string, data: Record<string, unknown>, version: number) =>
      api.patch<RecordT>(`${base}/records/${enc(id)}`, { data, version }),
    remove: (id: string) => api.del(`${base}/records/${enc(id)}`),
    restore: (id: string) => api.post<RecordT>(`${base}/records/${enc(id)}/restore`),
    history: (id: string) => api.get<{ items: HistoryEvent[] }>(`${base}/records/${enc(id)}/history`),
    trash: (params: { limit?: number; after?: string } = {}) =>
      api.get<ListResult>(`${base}/trash?limit=${params.limit ?? 100}${params.after ? '&after=' + enc(params.after) : ''}`),
    query: (body: Record<string, unknown>) => api.post<ListResult>(`${base}/records/query`, body),
  };
}
