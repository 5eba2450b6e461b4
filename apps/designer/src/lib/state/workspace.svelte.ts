/**
 * The workspace's name and settings from `GET /api/workspace` (every signed-in user may
 * read them): values are shown and read in its locale, and new money fields, amounts typed
 * without a currency and the examples in placeholders use its base currency.
 */
import type { WireWorkspace } from '@tabula/schema-engine/wire';
import { api } from '../api/client';
import { setLocale } from '../format/format';

export type WorkspaceSettings = WireWorkspace;

class Workspace {
  name = $state('');
  baseCurrency = $state('EUR');
  timeZone = $state(Intl.DateTimeFormat().resolvedOptions().timeZone);
  locale = $state('');
  loaded = $state(false);

  async load(): Promise<void> {
    const w = await api.get<WorkspaceSettings>('/workspace', { quiet: true });
    this.set(w);
  }

  set(w: Partial<WorkspaceSettings>): void {
    if (typeof w.name === 'string') this.name = w.name;
    if (typeof w.baseCurrency === 'string' && /^[A-Z]{3}$/.test(w.baseCurrency)) this.baseCurrency = w.baseCurrency;
    if (typeof w.timeZone === 'string' && w.timeZone) this.timeZone = w.timeZone;
    if (typeof w.locale === 'string') this.locale = w.locale;
    setLocale(this.locale);
    this.loaded = true;
  }

  clear(): void {
    this.loaded = false;
    this.name = '';
  }
}

export const workspace = new Workspace();
