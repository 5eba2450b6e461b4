/**
 * Names of users, for user fields, owners and history. Read from `/api/users` when the
 * server offers it and the reader may list users; otherwise only the signed-in user is
 * known by name and others show a short id.
 */
import { SvelteMap } from 'svelte/reactivity';
import { api } from '../api/client';
import type { User } from '../api/types';
import { features } from './features.svelte';
import { session } from './session.svelte';

class Users {
  byId = new SvelteMap<string, User>();
  loaded = $state(false);
  available = $state(true);
  private pending: Promise<void> | null = null;

  load(force = false): Promise<void> {
    if (this.loaded && !force) return Promise.resolve();
    this.pending ??= (async () => {
      await features.load();
      if (!features.has('/api/users') || !session.isAdmin) {
        this.available = features.has('/api/users');
        this.loaded = true;
        return;
      }
      try {
        const r = await api.get<{ items: User[] } | User[]>('/users', { quiet: true });
        const list = Array.isArray(r) ? r : r.items;
        this.byId.clear();
        for (const u of list) this.byId.set(u.id, u);
        this.available = true;
      } catch {
        this.available = false;
      }
      this.loaded = true;
    })().finally(() => (this.pending = null));
    return this.pending;
  }

  list(): User[] {
    const all = [...this.byId.values()];
    if (session.user && !this.byId.has(session.user.id)) all.unshift(session.user);
    return all.sort((a, b) => a.name.localeCompare(b.name));
  }

  name(id: string | null | undefined): string {
    if (!id) return '';
    if (session.user?.id === id) return session.user.name || session.user.email;
    const u = this.byId.get(id);
    return u ? u.name || u.email : `user ${id.slice(-6)}`;
  }

  /** A user id by name or email (case-insensitive). */
  find(text: string): string | undefined {
    const t = text.trim().toLowerCase();
    return this.list().find((u) => u.name.toLowerCase() === t || u.email.toLowerCase() === t || u.id === text.trim())?.id;
  }
}

export const users = new Users();
