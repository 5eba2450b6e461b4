/**
 * Issue 12, item 1: `POST /api/formula/preview` sees exactly what the reader sees. A Viewer
 * and a Manager (shipped roles, salary and note hidden on clients) and custom roles preview
 * every payload of the issue; a hidden field answers exactly as a field that does not exist
 * (400 UNKNOWN_FIELD, as in a filter), and an aggregate over a link counts only the linked
 * records the reader may read. The administrator's answers prove the data is there.
 * No response to a restricted reader may carry a hidden value. PGlite by default,
 * PostgreSQL with DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, RecordingClient, setupAdmin, startTabula, type Res, type TestServer } from '../helpers/tabula.js';

let server: TestServer;
let admin: Client;
const PW = 'a long enough password';
const users: Record<string, RecordingClient> = {};
const ids: Record<string, string> = {};
const SALARY = '9137';
const SALARY_X2 = '18274';
const NOTE = 'whispered-note-5521';

async function ok(p: Promise<Res>, status = 201): Promise<Res> {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  return r;
}

async function addUser(key: string, roles: string[]): Promise<RecordingClient> {
  await ok(admin.post('/api/users', { email: `${key}@example.com`, password: PW, name: key, roles }));
  const c = new RecordingClient(server.url);
  const login = await ok(c.post('/api/auth/login', { email: `${key}@example.com`, password: PW }), 200);
  c.token = login.body.token;
  users[key] = c;
  return c;
}

/** Adds a rule to a shipped role, keeping its own. */
async function addRule(role: string, rule: Record<string, unknown>) {
  const r = await ok(admin.get(`/api/roles/${role}`), 200);
  await ok(admin.patch(`/api/roles/${role}`, { rules: [...r.body.rules, rule] }), 200);
}

const preview = (c: Client, table: string, expression: string, recordId?: string) =>
  c.post('/api/formula/preview', { table, expression, ...(recordId ? { recordId } : {}) });
const value = async (c: Client, table: string, expression: string, recordId?: string) =>
  (await ok(preview(c, table, expression, recordId), 200)).body.value;

/** A EUR amount, normalised ("100.00" from a stored rollup, "100" from the evaluator). */
function eur(v: { amount: string; currency: string }): string {
  expect(v.currency).toBe('EUR');
  return String(Number(v.amount));
}

/** The answer with the field's name taken out: what must not differ between hidden and absent. */
function shape(r: Res, name: string): string {
  return JSON.stringify({ status: r.status, body: r.body }).split(JSON.stringify(name).slice(1, -1)).join('<name>');
}

beforeAll(async () => {
  server = await startTabula();
  admin = await setupAdmin(server.url);
  await ok(
    admin.post('/api/tables', {
      key: 'clients',
      label: 'Clients',
      primaryField: 'name',
      fields: [
        { key: 'name', label: 'Name', type: 'text', required: true },
        { key: 'salary', label: 'Salary', type: 'number' },
        { key: 'note', label: 'Note', type: 'text' },
      ],
    }),
  );
  await ok(
    admin.post('/api/tables', {
      key: 'invoices',
      label: 'Invoices',
      primaryField: 'number',
      fields: [
        { key: 'number', label: 'Number', type: 'text', required: true },
        { key: 'amount', label: 'Amount', type: 'money', options: { currency: 'EUR' } },
        { key: 'status', label: 'Status', type: 'select', options: { choices: [{ value: 'open' }, { value: 'paid' }] } },
        {
          key: 'client',
          label: 'Client',
          type: 'link',
          options: { table: 'clients', multiple: false, inverseKey: 'invoices', inverseLabel: 'Invoices' },
        },
      ],
    }),
  );
  // computed fields that read the hidden salary, or the invoices across the link
  await ok(
    admin.post('/api/tables/clients/fields', {
      key: 'salary_x2',
      label: 'Salary × 2',
      type: 'formula',
      options: { expression: 'salary * 2' },
    }),
  );
  await ok(
    admin.post('/api/tables/clients/fields', {
      key: 'billed',
      label: 'Billed',
      type: 'rollup',
      options: { link: 'invoices', field: 'amount', aggregate: 'sum' },
    }),
  );
  await ok(
    admin.post('/api/tables/clients/fields', {
      key: 'billed_f',
      label: 'Billed (formula)',
      type: 'formula',
      options: { expression: 'SUM(invoices.amount)' },
    }),
  );
  await ok(
    admin.post('/api/tables/invoices/fields', {
      key: 'client_salary',
      label: 'Client salary',
      type: 'lookup',
      options: { link: 'client', field: 'salary' },
    }),
  );
  await ok(
    admin.post('/api/tables/invoices/fields', {
      key: 'client_name',
      label: 'Client name',
      type: 'lookup',
      options: { link: 'client', field: 'name' },
    }),
  );

  const hide = { action: 'read', subject: 'clients', fields: ['salary', 'note'], inverted: true };
  await addRule('Viewer', hide);
  await addRule('Manager', hide);
  const clerk = await ok(
    admin.post('/api/roles', {
      name: 'Open-invoice clerk',
      rules: [
        { action: 'read', subject: 'clients' },
        { action: 'read', subject: 'clients', fields: ['salary', 'note'], inverted: true },
        { action: 'read', subject: 'invoices', conditions: { status: 'open' } },
      ],
    }),
  );
  const desk = await ok(
    admin.post('/api/roles', {
      name: 'Client desk',
      rules: [
        { action: 'read', subject: 'clients' },
        { action: 'read', subject: 'clients', fields: ['salary', 'note'], inverted: true },
      ],
    }),
  );
  const m1 = await addUser('m1', ['Manager']);
  const m2 = await addUser('m2', ['Manager']);
  await addUser('viewer', ['Viewer']);
  await addUser('clerk', [clerk.body.id]);
  await addUser('desk', [desk.body.id]);

  // m1 owns the client; the fields m1 may not read are filled in by the administrator
  ids.client = (await ok(m1.post('/api/tables/clients/records', { data: { name: 'Client One' } }))).body.id;
  await ok(admin.patch(`/api/tables/clients/records/${ids.client}`, { data: { salary: SALARY, note: NOTE }, version: 1 }), 200);
  ids.own = (
    await ok(m1.post('/api/tables/invoices/records', { data: { number: 'M1-1', amount: '100.00', status: 'open', client: [ids.client] } }))
  ).body.id;
  // another manager's invoice on m1's client (linked by the administrator) and one of the administrator's
  ids.foreign = (
    await ok(m2.post('/api/tables/invoices/records', { data: { number: 'M2-1', amount: '1000.00', status: 'paid' } }))
  ).body.id;
  await ok(admin.patch(`/api/tables/invoices/records/${ids.foreign}`, { data: { client: [ids.client] }, version: 1 }), 200);
  ids.admins = (
    await ok(
      admin.post('/api/tables/invoices/records', { data: { number: 'A-1', amount: '10000.00', status: 'open', client: [ids.client] } }),
    )
  ).body.id;
  for (const c of Object.values(users)) c.bodies.length = 0;
});

afterAll(async () => {
  for (const c of Object.values(users)) c.assertNeverSaw([SALARY, SALARY_X2, NOTE]);
  await server?.close();
});

describe('the administrator previews everything (the data is there)', () => {
  it('reads the salary, the note, what is computed from them, and sums every linked invoice', async () => {
    expect(String(await value(admin, 'clients', 'salary', ids.client))).toBe(SALARY);
    expect(await value(admin, 'clients', 'IF(salary > 8000, 1, 0)', ids.client)).toBe('1');
    expect(String(await value(admin, 'clients', 'salary_x2', ids.client))).toBe(SALARY_X2);
    expect(await value(admin, 'clients', 'note', ids.client)).toBe(NOTE);
    expect(String(await value(admin, 'invoices', 'client_salary', ids.own))).toBe(SALARY);
    expect(String(await value(admin, 'invoices', 'SUM(client.salary)', ids.own))).toBe(SALARY);
    expect(eur(await value(admin, 'clients', 'SUM(invoices.amount)', ids.client))).toBe('11100');
    expect(await value(admin, 'clients', 'COUNT(invoices)', ids.client)).toBe('3');
    expect(eur(await value(admin, 'clients', 'billed', ids.client))).toBe('11100');
  });
});

/** [table, expression with the hidden name, the same with a name that does not exist, hidden name, absent name, record] */
const PAYLOADS: [string, string, string, string, string, () => string][] = [
  ['clients', 'salary', 'salaryy', 'salary', 'salaryy', () => ids.client],
  ['clients', 'IF(salary > 8000, 1, 0)', 'IF(nosuch > 8000, 1, 0)', 'salary', 'nosuch', () => ids.client],
  ['clients', 'salary_x2', 'salary_x3', 'salary_x2', 'salary_x3', () => ids.client],
  ['clients', '"note: " & note', '"note: " & nota', 'note', 'nota', () => ids.client],
  ['invoices', 'client_salary', 'client_salaryy', 'client_salary', 'client_salaryy', () => ids.own],
  ['invoices', 'SUM(client.salary)', 'SUM(client.nosuch)', 'client.salary', 'client.nosuch', () => ids.own],
  ['invoices', 'MAX(client.salary) + 1', 'MAX(client.wages) + 1', 'client.salary', 'client.wages', () => ids.own],
];

describe.each(['viewer', 'm1', 'clerk'])('%s: a hidden field is a field that does not exist', (who) => {
  it.each(PAYLOADS)('%s: %s', async (table, hidden, absent, hiddenName, absentName, record) => {
    const c = users[who]!;
    for (const recordId of [record(), undefined]) {
      const h = await preview(c, table, hidden, recordId);
      const a = await preview(c, table, absent, recordId);
      expect(h.status, JSON.stringify(h.body)).toBe(400);
      expect(h.body.error.code).toBe('UNKNOWN_FIELD');
      expect(h.body.error.message).toBe(`Unknown field "${hiddenName}"`);
      expect(shape(h, hiddenName)).toBe(shape(a, absentName));
      // no "did you mean" pointing at a field the reader may not see
      expect(JSON.stringify(a.body)).not.toMatch(/did you mean/);
    }
  });

  it('an unknown name answers as in a filter on the same table', async () => {
    const c = users[who]!;
    const f = await c.get(
      `/api/tables/clients/records?filter=${encodeURIComponent(JSON.stringify({ field: 'salary', op: 'gt', value: 1 }))}`,
    );
    const p = await preview(c, 'clients', 'salary', ids.client);
    expect({ status: p.status, error: p.body.error }).toEqual({ status: f.status, error: f.body.error });
  });

  it('may not use the formula checker (administrators design formulas)', async () => {
    const r = await users[who]!.post('/api/formula/check', { table: 'clients', expression: 'name' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
  });
});

describe('aggregates over a link count only the linked records the reader may read', () => {
  it("a Manager sums their own invoices only, never another manager's or the administrator's", async () => {
    const m1 = users.m1!;
    expect(eur(await value(m1, 'clients', 'SUM(invoices.amount)', ids.client))).toBe('100');
    expect(await value(m1, 'clients', 'COUNT(invoices)', ids.client)).toBe('1');
    expect(await value(m1, 'clients', 'COUNT(invoices.number)', ids.client)).toBe('1');
    expect(eur(await value(m1, 'clients', 'MAX(invoices.amount)', ids.client))).toBe('100');
    expect(eur(await value(m1, 'clients', 'AVG(invoices.amount)', ids.client))).toBe('100');
    expect(await value(m1, 'clients', 'name & ": " & COUNT(invoices)', ids.client)).toBe('Client One: 1');
  });

  it('the stored rollup, formula and lookup over records the Manager may not all read are unknown to them', async () => {
    const m1 = users.m1!;
    for (const [table, name, record] of [
      ['clients', 'billed', ids.client],
      ['clients', 'billed_f', ids.client],
      ['invoices', 'client_name', ids.own],
    ] as const) {
      const r = await preview(m1, table, name, record);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(shape(r, name)).toBe(shape(await preview(m1, table, `${name}_nope`, record), `${name}_nope`));
    }
  });

  it('a custom scope (open invoices only) is applied in SQL like every read', async () => {
    const clerk = users.clerk!;
    expect(eur(await value(clerk, 'clients', 'SUM(invoices.amount)', ids.client))).toBe('10100');
    expect(await value(clerk, 'clients', 'COUNT(invoices)', ids.client)).toBe('2');
    expect(eur(await value(clerk, 'clients', 'MIN(invoices.amount)', ids.client))).toBe('100');
  });

  it('a Viewer reads every invoice: the full sum, also through the stored rollup', async () => {
    const v = users.viewer!;
    expect(eur(await value(v, 'clients', 'SUM(invoices.amount)', ids.client))).toBe('11100');
    expect(eur(await value(v, 'clients', 'billed', ids.client))).toBe('11100');
    expect(await value(v, 'clients', 'COUNT(invoices)', ids.client)).toBe('3');
  });

  it('a linked table the reader may not read has no fields and no records for them', async () => {
    const desk = users.desk!;
    expect(await value(desk, 'clients', 'COUNT(invoices)', ids.client)).toBe('0');
    const h = await preview(desk, 'clients', 'SUM(invoices.amount)', ids.client);
    expect(h.status, JSON.stringify(h.body)).toBe(400);
    expect(shape(h, 'invoices.amount')).toBe(shape(await preview(desk, 'clients', 'SUM(invoices.nosuch)', ids.client), 'invoices.nosuch'));
  });

  it("a record outside the reader's scope is not found, as everywhere", async () => {
    const r = await preview(users.m1!, 'invoices', 'number', ids.foreign);
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NOT_FOUND');
    expect((await preview(users.desk!, 'invoices', 'number')).status).toBe(404);
  });
});
