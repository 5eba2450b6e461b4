/**
 * Who is signed in and what they may do. `GET /api/auth/session` says who (or
 * `{user: null}`, never a 401), so a signed-out start asks the server without an error in
 * the console. Abilities come packed from
 * `/api/auth/me/abilities` and become a CASL ability; when the server does not offer them
 * yet, the built-in roles decide (Administrator: everything; Viewer: read only; others:
 * records but not the configuration). The UI only hides what the API would refuse anyway.
 */
import { createMongoAbility, type MongoAbility } from '@casl/ability';
import { unpackRules } from '@casl/ability/extra';
import { api } from '../api/client';
import type { RuleAction } from '@tabula/schema-engine/wire';
import type { User } from '../api/types';
import { features } from './features.svelte';
import { workspace } from './workspace.svelte';

export type Action = RuleAction;

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
    const [{ setUp }, { user }] = await Promise.all([
      api.get<{ setUp: boolean }>('/setup', { quiet: true, noAuthRedirect: true }),
      api.get<{ user: User | null }>('/auth/session', { quiet: true, noAuthRedirect: true }),
    ]);
    if (!setUp) {
      this.user = null;
      this.status = 'setup';
      return;
    }
    if (!user) {
      this.user = null;
      this.status = 'signedOut';
      return;
    }
    this.user = user;
    await this.loadSignedIn();
    this.status = 'signedIn';
  }

  /** What a signed-in user's screens need before they show: abilities and the workspace's settings. */
  private async loadSignedIn(): Promise<void> {
    await Promise.all([this.loadAbilities(), workspace.load()]);
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

  async signedIn(user: User): Promise<void> {
    this.user = user;
    await this.loadSignedIn();
    this.status = 'signedIn';
  }

  async logout(): Promise<void> {
    try {
      await api.post('/auth/logout', {}, { noAuthRedirect: true });
    } catch {
      /* the session may already be gone */
    }
    this.lost();
  }

  /** The server said the session is gone (expired, signed out elsewhere). */
  lost(): void {
    this.user = null;
    this.ability = null;
    this.status = 'signedOut';
    workspace.clear();
  }
}

export const session = new Session();
