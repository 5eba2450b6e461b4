/**
 * Which optional endpoints this server offers, read once from its OpenAPI document
 * (`/api/docs/json`), so that the UI can hide what is not there instead of probing with
 * requests that fail. When the document cannot be read, everything is assumed present
 * and each screen still handles a 404.
 */
import { api } from '../api/client';

class Features {
  paths = $state<Set<string> | null>(null);
  private loading: Promise<void> | null = null;

  load(): Promise<void> {
    this.loading ??= api
      .get<{ paths?: Record<string, unknown> }>('/docs/json', { quiet: true, noAuthRedirect: true })
      .then((doc) => {
        this.paths = new Set(Object.keys(doc?.paths ?? {}).map((p) => p.replace(/\{[^}]+\}/g, ':p')));
      })
      .catch(() => {
        this.paths = null;
      });
    return this.loading;
  }

  /** `has('/api/users')`, `has('/api/tables/:p/layouts/card')`; true when unknown. */
  has(path: string): boolean {
    if (!this.paths) return true;
    return this.paths.has(path.replace(/:[a-zA-Z]+/g, ':p'));
  }
}

export const features = new Features();
