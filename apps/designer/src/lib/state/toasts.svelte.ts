/** Short notices in a corner: successes, errors, and undo offers. */
import { untrack } from 'svelte';
import { ApiError } from '../api/client';

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error';
  text: string;
  action?: { label: string; run: () => void };
}

let next = 1;

class Toasts {
  items = $state<Toast[]>([]);

  show(kind: Toast['kind'], text: string, action?: Toast['action'], ms = kind === 'error' ? 8000 : 4000): void {
    const t: Toast = { id: next++, kind, text, action };
    untrack(() => (this.items = [...this.items.slice(-4), t]));
    setTimeout(() => this.dismiss(t.id), ms);
  }
  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
  error(e: unknown, prefix?: string): void {
    this.show('error', (prefix ? prefix + ': ' : '') + describeError(e));
  }
}

/** An error as a sentence a person understands, with field messages when there are some. */
export function describeError(e: unknown): string {
  if (e instanceof ApiError) {
    const fields = e.fieldMessages();
    // field messages the main message does not already say
    const extra = Object.entries(fields)
      .filter(([, m]) => !e.message.includes(m))
      .slice(0, 3)
      .map(([k, m]) => `${k}: ${m}`)
      .join('; ');
    if (e.code === 'TOO_MANY_REQUESTS' && e.details?.retryAfter) return `${e.message} (wait ${e.details.retryAfter} s)`;
    return extra ? `${e.message} — ${extra}` : e.message;
  }
  if (e instanceof Error) return e.message;
  return String(e);
}

export const toasts = new Toasts();
