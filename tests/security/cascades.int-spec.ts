/**
 * Issue 12, item 4: what a delete takes with it stays within the deleter's rights.
 *
 * - A delete whose cascade (onDelete: cascade) reaches a record the deleter may not delete
 *   is refused whole (403): nothing moves to the trash, nothing is written.
 * - DELETE_RESTRICTED (409) counts only the linking records the deleter may read, and
 *   names no id.
 * - An unlink link needs nothing of the records on the other side: they lose a link to a
 *   record that is gone, as with any delete (and get it back on restore).
 * - A delete batch comes back whole or not at all: a restore is refused (403) when the
 *   batch holds a record the restorer may not restore.
 * PGlite by default, PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../helpers/tabula.js';
import { expectError, ok, states, startWorld, type Actor, type World } from './link-world.js';

let w: World;
let admin: Client;
let m1: Actor;
let m2: Actor;

async function make(by: Client, table: string, data: Record<string, unknown>): Promise<string> {
  return (await ok(by.post(`/api/tables/${table}/records`, { data }))).body.id;
}
const trashCount = async (table: string) => (await ok(admin.get(`/api/tables/${table}/trash`), 200)).body.total as number;
const trashes = async () => [
  await trashCount('clients'),
  await trashCount('notes'),
  await trashCount('invoices'),
  await trashCount('visits'),
];

beforeAll(async () => {
  w = await startWorld(async (a) => {
    await ok(
      a.post('/api/tables', {
        key: 'clients',
        label: 'Clients',
        primaryField: 'name',
        fields: [{ key: 'name', label: 'Name', type: 'text', required: true }],
      }),
    );
    await ok(
      a.post('/api/tables', {
        key: 'notes',
        label: 'Notes',
        primaryField: 'text',
        fields: [
          { key: 'text', label: 'Text', type: 'text' },
          {
            key: 'client',
            label: 'Client',
            type: 'link',
            options: { table: 'clients', multiple: false, onDelete: 'cascade', inverseKey: 'notes', inverseLabel: 'Notes' },
          },
        ],
      }),
    );
    await ok(
      a.post('/api/tables', {
        key: 'invoices',
        label: 'Invoices',
        primaryField: 'number',
        fields: [
          { key: 'number', label: 'Number', type: 'text' },
          {
            key: 'client',
            label: 'Client',
            type: 'link',
            options: { table: 'clients', multiple: false, onDelete: 'restrict', inverseKey: 'invoices', inverseLabel: 'Invoices' },
          },
        ],
      }),
    );
    await ok(
      a.post('/api/tables', {
        key: 'visits',
        label: 'Visits',
        primaryField: 'label',
        fields: [
          { key: 'label', label: 'Label', type: 'text' },
          {
            key: 'client',
            label: 'Client',
            type: 'link',
            options: { table: 'clients', multiple: false, onDelete: 'unlink', inverseKey: 'visits', inverseLabel: 'Visits' },
          },
        ],
      }),
    );
  });
  ({ admin, m1, m2 } = w);
});

afterAll(async () => {
  await w?.close();
});

describe("a cascade stays within the deleter's rights", () => {
  it("a manager deleting their own client does not trash an administrator's note: refused whole, nothing written", async () => {
    const c = await make(m1.c, 'clients', { name: 'M1 cascade client' });
    const own = await make(m1.c, 'notes', { text: 'M1 note', client: [c] });
    const adminNote = await make(admin, 'notes', { text: 'Admin secret note', client: [c] });
    const refs: [string, string][] = [
      ['clients', c],
      ['notes', own],
      ['notes', adminNote],
    ];
    const before = await states(admin, refs);
    const trash = await trashes();
    const r = await m1.c.del(`/api/tables/clients/records/${c}`);
    expectError(r, 403, 'FORBIDDEN');
    expect(JSON.stringify(r.body)).not.toContain(adminNote);
    expect(await states(admin, refs)).toEqual(before);
    expect(await trashes()).toEqual(trash);
    expect((await ok(m1.c.get(`/api/tables/clients/records/${c}`), 200)).body.data.notes).toEqual([own, adminNote]);
  });

  it('nor through a note taken first from the other side (item 3 then 4)', async () => {
    const c = await make(m1.c, 'clients', { name: 'M1 thief client' });
    const adminNote = await make(admin, 'notes', { text: 'Admin loose note' });
    const r = await m1.c.patch(`/api/tables/clients/records/${c}`, { data: { notes: [adminNote] } });
    expectError(r, 400, 'VALIDATION_FAILED');
    expect(r.body.error.details.notes.code).toBe('LINK_NOT_FOUND');
    await ok(m1.c.del(`/api/tables/clients/records/${c}`), 204);
    expect((await admin.get(`/api/tables/notes/records/${adminNote}`)).status).toBe(200);
  });

  it("a cascade over the deleter's own records trashes them, and the restore brings them back", async () => {
    const c = await make(m1.c, 'clients', { name: 'M1 whole client' });
    const n1 = await make(m1.c, 'notes', { text: 'one', client: [c] });
    const n2 = await make(m1.c, 'notes', { text: 'two', client: [c] });
    await ok(m1.c.del(`/api/tables/clients/records/${c}`), 204);
    const gone = await states(admin, [
      ['notes', n1],
      ['notes', n2],
    ]);
    expect(gone.map((s) => s.trashed)).toEqual([true, true]);
    const back = await ok(m1.c.post(`/api/tables/clients/records/${c}/restore`), 200);
    expect(back.body.data.notes).toEqual([n1, n2]);
  });
});

describe('DELETE_RESTRICTED reveals nothing the deleter cannot read', () => {
  it('counts only the linking records the deleter may read, and names no id', async () => {
    const c = await make(m1.c, 'clients', { name: 'M1 restricted client' });
    await make(m1.c, 'invoices', { number: 'M1-R', client: [c] });
    const a1 = await make(admin, 'invoices', { number: 'ADM-R1', client: [c] });
    const a2 = await make(admin, 'invoices', { number: 'ADM-R2', client: [c] });
    const before = await states(admin, [['clients', c]]);
    const r = await m1.c.del(`/api/tables/clients/records/${c}`);
    expectError(r, 409, 'DELETE_RESTRICTED');
    expect(r.body.error.details).toEqual({ table: 'invoices', field: 'client', count: 1 });
    expect(JSON.stringify(r.body)).not.toContain(a1);
    expect(JSON.stringify(r.body)).not.toContain(a2);
    const byAdmin = await admin.del(`/api/tables/clients/records/${c}`);
    expectError(byAdmin, 409, 'DELETE_RESTRICTED');
    expect(byAdmin.body.error.details.count).toBe(3);
    expect(await states(admin, [['clients', c]])).toEqual(before);
  });

  it('records the deleter cannot read still refuse the delete, without being counted', async () => {
    const c = await make(m1.c, 'clients', { name: 'M1 only-foreign client' });
    const a1 = await make(admin, 'invoices', { number: 'ADM-F1', client: [c] });
    const r = await m1.c.del(`/api/tables/clients/records/${c}`);
    expectError(r, 409, 'DELETE_RESTRICTED');
    expect(r.body.error.details.count).toBe(0);
    expect(JSON.stringify(r.body)).not.toContain(a1);
    expect(JSON.stringify(r.body)).not.toContain('ADM-F1');
  });
});

describe('unlink: the other side loses a link to a record that is gone', () => {
  it("a manager may delete their client that an administrator's visit links to; the visit stays, unversioned", async () => {
    const c = await make(m1.c, 'clients', { name: 'M1 visited client' });
    const v = await make(admin, 'visits', { label: 'Admin visit', client: [c] });
    const [before] = await states(admin, [['visits', v]]);
    await ok(m1.c.del(`/api/tables/clients/records/${c}`), 204);
    const [after] = await states(admin, [['visits', v]]);
    expect(after).toMatchObject({ version: before!.version, history: before!.history, trashed: false, data: { client: [] } });
    await ok(m1.c.post(`/api/tables/clients/records/${c}/restore`), 200);
    expect((await states(admin, [['visits', v]]))[0]!.data.client).toEqual([c]);
  });
});

describe('a delete batch is restored whole or not at all', () => {
  it("a manager may not restore their client when its batch took an administrator's note", async () => {
    const c = await make(m1.c, 'clients', { name: 'M1 batch client' });
    const own = await make(m1.c, 'notes', { text: 'M1 batch note', client: [c] });
    const adminNote = await make(admin, 'notes', { text: 'Admin batch note', client: [c] });
    await ok(admin.del(`/api/tables/clients/records/${c}`), 204);
    const refs: [string, string][] = [
      ['clients', c],
      ['notes', own],
      ['notes', adminNote],
    ];
    const before = await states(admin, refs);
    expect(before.map((s) => s.trashed)).toEqual([true, true, true]);
    // the manager sees their own records in the trash, and may restore neither
    expect((await ok(m1.c.get('/api/tables/clients/trash'), 200)).body.items.map((x: any) => x.id)).toContain(c);
    expectError(await m1.c.post(`/api/tables/clients/records/${c}/restore`), 403, 'FORBIDDEN');
    expectError(await m1.c.post(`/api/tables/notes/records/${own}/restore`), 403, 'FORBIDDEN');
    expect(await states(admin, refs)).toEqual(before);
    // the administrator restores the batch whole
    await ok(admin.post(`/api/tables/notes/records/${own}/restore`), 200);
    expect((await states(admin, refs)).map((s) => s.trashed)).toEqual([false, false, false]);
  });
});

describe("permission matrix: a cascade over another user's record, for every shipped role", () => {
  // a Manager's client with the Manager's own note and an administrator's note (cascade)
  // the Manager who owns the client, and the other one
  const cases = [
    { label: 'Administrator', role: 'Administrator', status: 204 },
    { label: 'Senior manager', role: 'Senior manager', status: 204 },
    { label: 'Manager (owner)', role: 'Manager', status: 403 },
    { label: 'Manager (other)', role: 'Manager', status: 404 },
    { label: 'Viewer', role: 'Viewer', status: 403 },
  ] as const;

  it.each(cases)('$label', async ({ label, role, status }) => {
    const actor = label === 'Manager (other)' ? m2.c : w.as(role);
    const c = await make(m1.c, 'clients', { name: `${label} matrix client` });
    const own = await make(m1.c, 'notes', { text: `${label} own`, client: [c] });
    const adminNote = await make(admin, 'notes', { text: `${label} admin`, client: [c] });
    const refs: [string, string][] = [
      ['clients', c],
      ['notes', own],
      ['notes', adminNote],
    ];
    const before = await states(admin, refs);
    const r = await actor.del(`/api/tables/clients/records/${c}`);
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    const after = await states(admin, refs);
    if (status === 204) {
      expect(after.map((s) => s.trashed)).toEqual([true, true, true]);
      await ok(actor.post(`/api/tables/clients/records/${c}/restore`), 200);
      expect((await states(admin, refs)).map((s) => s.trashed)).toEqual([false, false, false]);
    } else {
      expect(after).toEqual(before);
    }
  });
});
