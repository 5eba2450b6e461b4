/** Long jobs (type changes, recomputes): poll `/api/jobs/:id` until done, reporting progress. */
import { api, enc } from './client';

export interface Job {
  id: string;
  kind: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  done: number;
  total: number;
  error?: unknown;
  result?: Record<string, unknown>;
}

export async function waitForJob(id: string, onProgress: (j: Job) => void, signal?: AbortSignal): Promise<Job> {
  for (let delay = 200; ; delay = Math.min(2000, delay * 1.5)) {
    const j = await api.get<Job>(`/jobs/${enc(id)}`, { quiet: true, signal });
    onProgress(j);
    if (j.state === 'done' || j.state === 'failed') return j;
    await new Promise((r) => setTimeout(r, delay));
  }
}
