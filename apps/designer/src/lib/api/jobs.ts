/** Long jobs (type changes, recomputes): poll `/api/jobs/:id` until done, reporting progress. */
import type { WireJob } from '@tabula/schema-engine/wire';
import { api, enc } from './client';

/** A job; its result (when done) read loosely: a type change's counts and examples. */
export type Job = WireJob<Record<string, unknown> | null>;

export async function waitForJob(id: string, onProgress: (j: Job) => void, signal?: AbortSignal): Promise<Job> {
  for (let delay = 200; ; delay = Math.min(2000, delay * 1.5)) {
    const j = await api.get<Job>(`/jobs/${enc(id)}`, { quiet: true, signal });
    onProgress(j);
    if (j.state === 'done' || j.state === 'failed') return j;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, delay);
      signal?.addEventListener('abort', () => (clearTimeout(t), reject(new DOMException('Stopped waiting', 'AbortError'))), { once: true });
    });
  }
}

/** Why a job failed, as a sentence (repeated values of a unique field are named). */
export function jobErrorMessage(error: Job['error'] | undefined): string {
  if (!error) return 'the server did not say why';
  const dups = (error.details as { duplicates?: { value: unknown; count: number }[] } | undefined)?.duplicates;
  const named =
    Array.isArray(dups) && dups.length
      ? ` (${dups
          .slice(0, 3)
          .map((d) => `${typeof d.value === 'string' ? d.value : JSON.stringify(d.value)} ×${d.count}`)
          .join(', ')})`
      : '';
  return (error.message || error.code) + named;
}
