/**
 * Issue 12, items 2 and 3: links go through the rights gate on both sides.
 *
 * - A link target outside the writer's read scope answers exactly like an id that does not
 *   exist (400, LINK_NOT_FOUND), on create, update, batch create and history restore, so
 *   existence does not leak and nobody else's rollup moves.
 * - Linking changes the paired field of every record linked or unlinked, and taking a
 *   record away from the record it linked to (the other side links to one record only)
 *   changes that record too: each of them must be one the writer may update (403 when they
 *   may read it but not change it). A record moved that way gets a new version and a
 *   history row.
 * PGlite by default, PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../helpers/tabula.js';
import { expectError, ok, seen, startWorld, states, type Actor, type ShippedRole, type World } from './link-world.js';

let w: World;
let admin: Client;
let m1: Actor;
let m2: Actor;
let senior: Actor;
let clerk: Actor;
const GHOST = '01900000-0000-7000-8000-00000000beef';

async function client(by: Client, name: string): Promise<string> {
  return (await ok(by.post('/api/tables/clients/records', { data: { name } }))).body.id;
}
async function invoice(by: Client, number: string, amount: string, clientId?: string): Promise<string> {
  return (await ok(by.post('/api/tables/invoices/records', { data: { number, amount, ...(clientId ? { client: [clientId] } : {}) } }))).body
    .id;
}
const total = async (id: string) =>
  ((await ok(admin.get(`/api/tables/clients/records/${id}`), 200)).body.data.total?.amount ?? null) as string | null;

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
        key: 'tags',
        label: 'Tags',
        primaryField: 'label',
        fields: [{ key: 'label', label: 'Label', type: 'text' }],
      }),
    );
    await ok(
      a.post('/api/tables', {
        key: 'invoices',
        label: 'Invoices',
        primaryField: 'number',
        fields: [
          { key: 'number', label: 'Number', type: 'text' },
          { key: 'amount', label: 'Amount', type: 'money', options: { currency: 'EUR' } },
          {
            key: 'client',
            label: 'Client',
            type: 'link',
            options: { table: 'clients', multiple: false, inverseKey: 'invoices', inverseLabel: 'Invoices' },
          },
          {
            key: 'tags',
            label: 'Tags',
            type: 'link',
            options: { table: 'tags', multiple: true, inverseKey: 'invoices', inverseLabel: 'Invoices' },
          },
        ],
      }),
    );
    await ok(
      a.post('/api/tables/clients/fields', {
        key: 'total',
        label: 'Total',
        type: 'rollup',
        options: { link: 'invoices', field: 'amount', aggregate: 'sum' },
      }),
    );
    await ok(
      a.post('/api/roles', {
        name: 'Clerk',
        rules: [
          { action: 'read', subject: 'all' },
          { action: 'create', subject: 'all', conditions: { owner: '$me' } },
          { action: 'update', subject: 'all', conditions: { owner: '$me' } },
        ],
      }),
    );
  });
  ({ admin, m1, m2, senior } = w);
  clerk = await w.user('clerk', ['Clerk']);
});

afterAll(async () => {
  await w?.close();
});

describe("a link target must be within the writer's read scope (item 2)", () => {
  let c1: string, c2: string, i1: string, t2: string;
  beforeAll(async () => {
    c1 = await client(m1.c, 'M1 client');
    c2 = await client(m2.c, 'M2 client');
    i1 = await invoice(m1.c, 'M1-1', '10.00', c1);
    await invoice(m2.c, 'M2-1', '20.00', c2);
    t2 = (await ok(m2.c.post('/api/tables/tags/records', { data: { label: 'M2 tag' } }))).body.id;
  });

  /** The refusal for `id` with the id itself blanked out: it must not differ between an unreadable and a missing record. */
  const shape = (r: { status: number; body: any }, id: string) => JSON.stringify({ status: r.status, body: r.body }).split(id).join('<id>');

  it("on create: another manager's client answers exactly like a random id, and their rollup does not move", async () => {
    const before = await states(admin, [['clients', c2]]);
    const ghost = await m1.c.post('/api/tables/invoices/records', { data: { number: 'X', amount: '5.00', client: [GHOST] } });
    const foreign = await m1.c.post('/api/tables/invoices/records', { data: { number: 'X', amount: '5.00', client: [c2] } });
    expect(ghost.status).toBe(400);
    expect(ghost.body.error.details.client.code).toBe('LINK_NOT_FOUND');
    expect(shape(foreign, c2)).toBe(shape(ghost, GHOST));
    expect(await states(admin, [['clients', c2]])).toEqual(before);
    expect(await total(c2)).toBe('20.00');
    expect((await ok(m1.c.get('/api/tables/invoices/records'), 200)).body.total).toBe(1);
  });

  it('on update, of a single and of a multiple link', async () => {
    const before = await states(admin, [
      ['invoices', i1],
      ['clients', c1],
      ['clients', c2],
      ['tags', t2],
    ]);
    const ghost = await m1.c.patch(`/api/tables/invoices/records/${i1}`, { data: { client: [GHOST] } });
    const foreign = await m1.c.patch(`/api/tables/invoices/records/${i1}`, { data: { client: [c2] } });
    expect(ghost.body.error.details.client.code).toBe('LINK_NOT_FOUND');
    expect(shape(foreign, c2)).toBe(shape(ghost, GHOST));
    const tagGhost = await m1.c.patch(`/api/tables/invoices/records/${i1}`, { data: { tags: [GHOST] } });
    const tag = await m1.c.patch(`/api/tables/invoices/records/${i1}`, { data: { tags: [t2] } });
    expect(tagGhost.body.error.details.tags.code).toBe('LINK_NOT_FOUND');
    expect(shape(tag, t2)).toBe(shape(tagGhost, GHOST));
    expect(
      await states(admin, [
        ['invoices', i1],
        ['clients', c1],
        ['clients', c2],
        ['tags', t2],
      ]),
    ).toEqual(before);
    expect(await total(c2)).toBe('20.00');
  });

  it('on a batch create: the whole batch is refused like one with a random id', async () => {
    const batch = (id: string) => ({
      records: [{ data: { number: 'B1', amount: '1.00', client: [c1] } }, { data: { number: 'B2', amount: '2.00', client: [id] } }],
    });
    const ghost = await m1.c.post('/api/tables/invoices/records', batch(GHOST));
    const foreign = await m1.c.post('/api/tables/invoices/records', batch(c2));
    expect(ghost.status).toBe(400);
    expect(shape(foreign, c2)).toBe(shape(ghost, GHOST));
    expect((await ok(admin.get('/api/tables/invoices/records'), 200)).body.total).toBe(2);
    expect(await total(c1)).toBe('10.00');
    expect(await total(c2)).toBe('20.00');
  });

  it('on a history restore of a version that linked to a record the restorer cannot read', async () => {
    // the administrator linked the manager's invoice to another manager's client, then undid it
    await ok(admin.patch(`/api/tables/invoices/records/${i1}`, { data: { client: [c2] } }), 200);
    await ok(admin.patch(`/api/tables/invoices/records/${i1}`, { data: { client: [c1] } }), 200);
    const history = await ok(m1.c.get(`/api/tables/invoices/records/${i1}/history`), 200);
    const event = history.body.items.find((e: any) => e.version === 2);
    expect(event.changes.client.to).toEqual([c2]);
    const before = await states(admin, [
      ['invoices', i1],
      ['clients', c2],
    ]);
    const r = await m1.c.post(`/api/tables/invoices/records/${i1}/history/${event.id}/restore`, {});
    expectError(r, 400, 'VALIDATION_FAILED');
    expect(r.body.error.details.client.code).toBe('LINK_NOT_FOUND');
    expect(
      await states(admin, [
        ['invoices', i1],
        ['clients', c2],
      ]),
    ).toEqual(before);
    expect(await total(c2)).toBe('20.00');
    // the administrator, who may read and change both, restores it
    await ok(admin.post(`/api/tables/invoices/records/${i1}/history/${event.id}/restore`, {}), 200);
    expect(await total(c2)).toBe('30.00');
    await ok(admin.patch(`/api/tables/invoices/records/${i1}`, { data: { client: [c1] } }), 200);
  });

  it("never showed the manager anything of the other manager's records", () => {
    m1.c.assertNeverSaw(['M2 client', 'M2-1', 'M2 tag', '"30.00"']);
  });
});

describe('the inverse side of a single link moves records: an update of each (item 3)', () => {
  let c1: string, c1b: string, c2: string, i1: string, i2: string, ck: string;
  beforeAll(async () => {
    c1 = await client(m1.c, 'M1 main');
    c1b = await client(m1.c, 'M1 second');
    c2 = await client(m2.c, 'M2 main');
    ck = await client(clerk.c, 'Clerk client');
    i1 = await invoice(m1.c, 'M1-A', '10.00', c1);
    i2 = await invoice(m2.c, 'M2-A', '20.00', c2);
  });

  it("a manager cannot take another manager's invoice through their own client (update or create)", async () => {
    const refs: [string, string][] = [
      ['invoices', i2],
      ['clients', c1],
      ['clients', c2],
    ];
    const before = await states(admin, refs);
    const r = await m1.c.patch(`/api/tables/clients/records/${c1}`, { data: { invoices: [i1, i2] } });
    expectError(r, 400, 'VALIDATION_FAILED');
    expect(r.body.error.details.invoices.code).toBe('LINK_NOT_FOUND');
    const created = await m1.c.post('/api/tables/clients/records', { data: { name: 'Thief', invoices: [i2] } });
    expectError(created, 400, 'VALIDATION_FAILED');
    expect(created.body.error.details.invoices.code).toBe('LINK_NOT_FOUND');
    expect(await states(admin, refs)).toEqual(before);
    expect((await ok(admin.get(`/api/tables/invoices/records/${i2}`), 200)).body.data.client).toEqual([c2]);
    expect(await total(c2)).toBe('20.00');
    expect(
      (
        await ok(
          admin.get(
            '/api/tables/clients/records?filter=' + encodeURIComponent(JSON.stringify({ field: 'name', op: 'eq', value: 'Thief' })),
          ),
          200,
        )
      ).body.total,
    ).toBe(0);
  });

  it('someone who may read a record but not change it may not link or unlink it from the other side (403)', async () => {
    const refs: [string, string][] = [
      ['invoices', i2],
      ['clients', ck],
      ['clients', c2],
    ];
    const before = await states(admin, refs);
    const count = (await ok(admin.get('/api/tables/invoices/records'), 200)).body.total;
    // the inverse side: the clerk's client would take the manager's invoice
    expectError(await clerk.c.patch(`/api/tables/clients/records/${ck}`, { data: { invoices: [i2] } }), 403, 'FORBIDDEN');
    expectError(await clerk.c.post('/api/tables/clients/records', { data: { name: 'Clerk thief', invoices: [i2] } }), 403, 'FORBIDDEN');
    // the primary side: the manager's client would gain an invoice (its list and its total change)
    expectError(
      await clerk.c.post('/api/tables/invoices/records', { data: { number: 'K-1', amount: '7.00', client: [c2] } }),
      403,
      'FORBIDDEN',
    );
    expect(await states(admin, refs)).toEqual(before);
    expect(await total(c2)).toBe('20.00');
    expect((await ok(admin.get('/api/tables/invoices/records'), 200)).body.total).toBe(count);
  });

  it('the right to update only the paired field is the right to link', async () => {
    await ok(
      admin.post('/api/roles', {
        name: 'Linker',
        rules: [
          { action: 'read', subject: 'all' },
          { action: 'create', subject: 'invoices', conditions: { owner: '$me' } },
          { action: 'update', subject: 'invoices', conditions: { owner: '$me' } },
          { action: 'update', subject: 'clients', fields: ['invoices'] },
        ],
      }),
    );
    const linker = await w.user('linker', ['Linker']);
    const made = await ok(linker.c.post('/api/tables/invoices/records', { data: { number: 'L-1', amount: '1.00', client: [c2] } }));
    expect(await total(c2)).toBe('21.00');
    expectError(await linker.c.patch(`/api/tables/clients/records/${c2}`, { data: { name: 'Renamed' } }), 400, 'VALIDATION_FAILED');
    await ok(admin.del(`/api/tables/invoices/records/${made.body.id}`), 204);
  });

  it("taking one's own invoice away from a client one may not change is refused (403), from either side", async () => {
    const i1x = await invoice(m1.c, 'M1-X', '3.00', c1);
    // the administrator links the manager's invoice to the other manager's client
    await ok(admin.patch(`/api/tables/invoices/records/${i1x}`, { data: { client: [c2] } }), 200);
    expect(await total(c2)).toBe('23.00');
    const refs: [string, string][] = [
      ['invoices', i1x],
      ['clients', c1],
      ['clients', c2],
    ];
    const before = await states(admin, refs);
    expectError(await m1.c.patch(`/api/tables/clients/records/${c1}`, { data: { invoices: [i1, i1x] } }), 403, 'FORBIDDEN');
    expectError(await m1.c.patch(`/api/tables/invoices/records/${i1x}`, { data: { client: [c1] } }), 403, 'FORBIDDEN');
    expectError(await m1.c.patch(`/api/tables/invoices/records/${i1x}`, { data: { client: [] } }), 403, 'FORBIDDEN');
    expect(await states(admin, refs)).toEqual(before);
    expect(await total(c2)).toBe('23.00');
    await ok(m1.c.del(`/api/tables/invoices/records/${i1x}`), 204); // deleting one's own record stays allowed
    expect(await total(c2)).toBe('20.00');
  });

  it("unlinking another manager's invoice from one's own client is refused (403)", async () => {
    const i2x = await invoice(m2.c, 'M2-X', '4.00');
    await ok(admin.patch(`/api/tables/invoices/records/${i2x}`, { data: { client: [c1] } }), 200);
    const seenByM1 = await ok(m1.c.get(`/api/tables/clients/records/${c1}`), 200);
    expect(seenByM1.body.data.invoices).toEqual([i1, i2x]);
    const before = await states(admin, [
      ['invoices', i2x],
      ['clients', c1],
    ]);
    expectError(await m1.c.patch(`/api/tables/clients/records/${c1}`, { data: { invoices: [i1] } }), 403, 'FORBIDDEN');
    expect(
      await states(admin, [
        ['invoices', i2x],
        ['clients', c1],
      ]),
    ).toEqual(before);
    await ok(admin.patch(`/api/tables/invoices/records/${i2x}`, { data: { client: [] } }), 200);
  });

  it('taking an invoice whose client is in the trash needs no right on that client, whose restore no longer has it', async () => {
    const cGone = await client(m2.c, 'M2 soon trashed');
    const i1t = await invoice(m1.c, 'M1-T', '2.00');
    await ok(admin.patch(`/api/tables/invoices/records/${i1t}`, { data: { client: [cGone] } }), 200);
    await ok(m2.c.del(`/api/tables/clients/records/${cGone}`), 204);
    expect((await ok(m1.c.get(`/api/tables/invoices/records/${i1t}`), 200)).body.data.client).toEqual([]);
    const c1t = await client(m1.c, 'M1 taker');
    await ok(m1.c.patch(`/api/tables/clients/records/${c1t}`, { data: { invoices: [i1t] } }), 200);
    const back = await ok(m2.c.post(`/api/tables/clients/records/${cGone}/restore`), 200);
    expect(back.body.data.invoices).toEqual([]);
    expect((await ok(admin.get(`/api/tables/invoices/records/${i1t}`), 200)).body.data.client).toEqual([c1t]);
  });

  it("an allowed move bumps the moved record's version and writes its history", async () => {
    const before = await seen(admin, 'invoices', i1);
    const moved = await ok(m1.c.patch(`/api/tables/clients/records/${c1b}`, { data: { invoices: [i1] } }), 200);
    expect(moved.body.data.invoices).toEqual([i1]);
    const after = await seen(admin, 'invoices', i1);
    expect(after.version).toBe(before.version + 1);
    expect(after.data.client).toEqual([c1b]);
    expect(after.history).toBe(before.history + 1);
    const top = (await ok(m1.c.get(`/api/tables/invoices/records/${i1}/history`), 200)).body.items[0];
    expect(top).toMatchObject({
      version: after.version,
      action: 'update',
      user: { id: m1.id },
      changes: { client: { from: [c1], to: [c1b] } },
    });
    expect((await ok(admin.get(`/api/tables/clients/records/${c1}`), 200)).body.data.invoices).toEqual([]);
    expect(await total(c1)).toBe('0.00');
    expect(await total(c1b)).toBe('10.00');
    // whoever read the invoice before the move and changes its client now gets a conflict
    expectError(
      await m1.c.patch(`/api/tables/invoices/records/${i1}`, { data: { client: [c1] }, version: before.version }),
      409,
      'VERSION_CONFLICT',
    );
  });

  it('unlinking from the other side also bumps the record that lost its link', async () => {
    const before = await seen(admin, 'invoices', i1);
    await ok(m1.c.patch(`/api/tables/clients/records/${c1b}`, { data: { invoices: [] } }), 200);
    const after = await seen(admin, 'invoices', i1);
    expect(after).toMatchObject({ version: before.version + 1, history: before.history + 1 });
    expect(after.data.client).toEqual([]);
    const top = (await ok(admin.get(`/api/tables/invoices/records/${i1}/history`), 200)).body.items[0];
    expect(top.changes).toEqual({ client: { from: [c1b], to: [] } });
    await ok(m1.c.patch(`/api/tables/invoices/records/${i1}`, { data: { client: [c1] } }), 200);
  });

  it('a create through the inverse side records the move on each invoice taken', async () => {
    const i1c = await invoice(m1.c, 'M1-C', '1.00', c1);
    const before = await seen(admin, 'invoices', i1c);
    const made = await ok(m1.c.post('/api/tables/clients/records', { data: { name: 'M1 third', invoices: [i1c] } }));
    const after = await seen(admin, 'invoices', i1c);
    expect(after).toMatchObject({ version: before.version + 1, history: before.history + 1, data: { client: [made.body.id] } });
    expect(await total(c1)).toBe('10.00');
  });

  it("a senior manager may move anyone's invoice, and the move is in its history", async () => {
    const before = await seen(admin, 'invoices', i2);
    await ok(senior.c.patch(`/api/tables/clients/records/${c1}`, { data: { invoices: [i1, i2] } }), 200);
    const after = await seen(admin, 'invoices', i2);
    expect(after).toMatchObject({ version: before.version + 1, history: before.history + 1, data: { client: [c1] } });
    const top = (await ok(admin.get(`/api/tables/invoices/records/${i2}/history`), 200)).body.items[0];
    expect(top).toMatchObject({ user: { id: senior.id }, changes: { client: { from: [c2], to: [c1] } } });
    expect(await total(c2)).toBe('0.00');
    expect(await total(c1)).toBe('30.00');
  });
});

describe('permission matrix: links on both sides, for every shipped role', () => {
  // per role: linking its own invoice to a foreign client (primary side) and a foreign
  // invoice to its own client (inverse side), the same answer for both; "foreign" = made
  // by a Manager (m2)
  const cases = [
    { role: 'Administrator', status: 200 },
    { role: 'Senior manager', status: 200 },
    { role: 'Manager', status: 400 },
    { role: 'Viewer', status: 403 },
  ] as const;
  // a Viewer has no records of its own: its "own" records are the first manager's
  const ownerOf = (role: ShippedRole): Client => w.as(role === 'Viewer' ? 'Manager' : role);

  it.each(cases)('$role', async ({ role, status }) => {
    const actor = w.as(role);
    const own = ownerOf(role);
    const myClient = await client(own, `${role} own client`);
    const myInvoice = await invoice(own, `${role}-own`, '1.00');
    const theirClient = await client(m2.c, `${role} foreign client`);
    const theirInvoice = await invoice(m2.c, `${role}-foreign`, '2.00');
    const refs: [string, string][] = [
      ['clients', myClient],
      ['clients', theirClient],
      ['invoices', myInvoice],
      ['invoices', theirInvoice],
    ];
    const before = await states(admin, refs);

    const p = await actor.patch(`/api/tables/invoices/records/${myInvoice}`, { data: { client: [theirClient] } });
    expect(p.status, JSON.stringify(p.body)).toBe(status);
    const i = await actor.patch(`/api/tables/clients/records/${myClient}`, { data: { invoices: [theirInvoice] } });
    expect(i.status, JSON.stringify(i.body)).toBe(status);
    if (status !== 200) expect(await states(admin, refs)).toEqual(before);
    else {
      const moved = await seen(admin, 'invoices', theirInvoice);
      expect(moved).toMatchObject({ version: before[3]!.version + 1, history: before[3]!.history + 1, data: { client: [myClient] } });
    }
  });
});

describe("permission matrix: history restore of a version linking to another user's record, for every shipped role", () => {
  const cases = [
    { role: 'Administrator', status: 200 },
    { role: 'Senior manager', status: 200 },
    { role: 'Manager', status: 400 },
    { role: 'Viewer', status: 403 },
  ] as const;

  it.each(cases)('$role', async ({ role, status }) => {
    const owner = w.as(role === 'Viewer' ? 'Manager' : role);
    const mine = await invoice(owner, `${role}-hist`, '5.00');
    const theirs = await client(m2.c, `${role} history client`);
    await ok(admin.patch(`/api/tables/invoices/records/${mine}`, { data: { client: [theirs] } }), 200);
    await ok(admin.patch(`/api/tables/invoices/records/${mine}`, { data: { client: [] } }), 200);
    const event = (await ok(admin.get(`/api/tables/invoices/records/${mine}/history`), 200)).body.items.find((e: any) => e.version === 2);
    const before = await states(admin, [
      ['invoices', mine],
      ['clients', theirs],
    ]);
    const r = await w.as(role).post(`/api/tables/invoices/records/${mine}/history/${event.id}/restore`, {});
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    if (status === 200) expect(await total(theirs)).toBe('5.00');
    else
      expect(
        await states(admin, [
          ['invoices', mine],
          ['clients', theirs],
        ]),
      ).toEqual(before);
    if (status === 400) expect(r.body.error.details.client.code).toBe('LINK_NOT_FOUND');
  });
});
