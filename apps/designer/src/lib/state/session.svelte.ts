/**
 * Who is signed in and what they may do. Abilities come packed from
 * `/api/auth/me/abilities` and become a CASL ability; when the server does not offer them
 * yet, the built-in roles decide (Administrator: everything; Viewer: read only; others:
 * records but not the configuration). The UI only hides what the API would refuse anyway.
 */
import { createMongoAbility, type MongoAbility } from '@casl/ability';
import { unpackRules } from '@casl/ability/extra';
import { api, ApiError } from '../api/client';
import type { User } from '../api/types';
import { features } from './features.svelte';

/**
 * A hint (not the session: that is the httpOnly cookie) that this browser signed in, so
 * that a signed-out start goes straight to the sign-in page instead of asking the server
 * and logging a 401 in the console.
 */
const HINT = 'tabula.signedIn';
function hint(on: boolean): void {
  try {
    if (on) localStorage.setItem(HINT, '1');
    else localStorage.removeItem(HINT);
  } catch {
    /* storage may be off */
  }
}
function hinted(): boolean {
  try {
    return localStorage.getItem(HINT) === '1';
  } catch {
    return true;
  }
}

export type Action = 'read' | 'create' | 'update' | 'delete' | 'export' | 'manage';

class Session {
  user = $state<User | null>(null);
  /** null until known; 'setup' when the server has no administrator yet. */
  status = $state<'unknown' | 'setup' | 'signedOut' | 'signedIn'>('unknown');
  ability = $state<MongoAbility | null>(null);

  get isAdmin(): boolean {
    if (!this.user) return false;
    if (this.user.roles.includes('Administrator')) return true;
    return this.ability ? this.ability.can('manage', 'all') : false;
  }

  /** May the user do `action` to records of `table` (a table key)? */
  can(action: Action, subject: string): boolean {
    if (!this.user) return false;
    if (this.isAdmin) return true;
    if (this.ability) return this.ability.can(action, subject) || this.ability.can(action, 'all');
    if (this.user.roles.length && this.user.roles.every((r) => r === 'Viewer')) return action === 'read' || action === 'export';
    return action !== 'manage';
  }

  /** May the user read/update the field `field` of `table`? */
  canField(action: Action, subject: string, field: string): boolean {
    if (this.isAdmin || !this.ability) return this.can(action, subject);
    return this.ability.can(action, subject, field) || this.ability.can(action, 'all', field);
  }

  async refresh(): Promise<void> {
    const { setUp } = await api.get<{ setUp: boolean }>('/setup', { quiet: true, noAuthRedirect: true });
    if (!setUp) {
      this.user = null;
      this.status = 'setup';
      return;
    }
    if (!hinted()) {
      this.user = null;
      this.status = 'signedOut';
      return;
    }
    try {
      const me = await api.get<{ user: User }>('/auth/me', { quiet: true, noAuthRedirect: true });
      this.user = me.user;
      await this.loadAbilities();
      this.status = 'signedIn';
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        hint(false);
        this.user = null;
        this.status = 'signedOut';
        return;
      }
      throw e;
    }
  }

  async loadAbilities(): Promise<void> {
    this.ability = null;
    await features.load();
    if (!features.paths || !features.has('/api/auth/me/abilities')) return;
    try {
      const raw = await api.get<any>('/auth/me/abilities', { quiet: true });
      const list = Array.isArray(raw) ? raw : (raw?.rules ?? raw?.abilities ?? []);
      const rules = list.length && Array.isArray(list[0]) ? unpackRules(list) : list;
      this.ability = createMongoAbility(rules as any);
    } catch {
      this.ability = null;
    }
  }

  signedIn(user: User): Promise<void> {
    hint(true);
    this.user = user;
    this.status = 'signedIn';
    return this.loadAbilities();
  }

  async logout(): Promise<void> {
    try {
      await api.post('/auth/logout', {}, { noAuthRedirect: true });
    } catch {
      /* the session may already be gone */
    }
    hint(false);
    this.user = null;
    this.ability = null;
    this.status = 'signedOut';
  }

  /** The server said the session is gone (expired, signed out elsewhere). */
  lost(): void {
    hint(false);
    this.user = null;
    this.status = 'signedOut';
  }
}

export const session = new Session();
