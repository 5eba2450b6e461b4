/** Rules: validation (each refusal names the rule), stored ↔ wire form, compilation to a scope, CASL rules. */
import { describe, expect, test } from 'vitest';
import { DomainError } from '../errors.js';
import { ctx, makeTable, TABLE_ID } from '../testing/fixtures.js';
import { toCaslRules } from './casl-rules.js';
import { canSubject, FALSE_NODE, tableRights } from './compile-rules.js';
import type { RuleUser, StoredRule } from './rule-types.js';
import { parseRules, rulesToWire } from './validate-rules.js';

const table = makeTable();
const tables = [table];
const ME_ID = '0192f0c1-0000-7000-8000-0000000000e1';
const user: RuleUser = { id: ME_ID, attributes: { region: 'north', regions: ['north', 'east'], level: 3 }, groups: ['g-id', 'sales'] };

function refusal(rules: unknown): { message: string; details: Record<string, { code: string }> } {
  try {
    parseRules(rules, tables, ctx);
  } catch (e) {
    if (e instanceof DomainError && e.code === 'VALIDATION_FAILED') return { message: e.message, details: e.details as never };
    throw e;
  }
  throw new Error('expected VALIDATION_FAILED');
}

describe('validation', () => {
  test.each([
    ['not an array', { action: 'read' }, 'rules', 'NOT_A_LIST'],
    ['unknown rule key', [{ action: 'read', subject: 'probe', admin: true }], 'rules[0]', 'UNKNOWN_KEY'],
    ['__proto__ key', [JSON.parse('{"action":"read","subject":"probe","__proto__":{"x":1}}')], 'rules[0]', 'UNKNOWN_KEY'],
    ['constructor key', [{ action: 'read', subject: 'probe', constructor: {} }], 'rules[0]', 'UNKNOWN_KEY'],
    [
      'unknown action',
      [
        { action: 'read', subject: 'probe' },
        { action: 'destroy', subject: 'probe' },
      ],
      'rules[1]',
      'INVALID_ACTION',
    ],
    ['unknown subject', [{ action: 'read', subject: 'nosuch' }], 'rules[0]', 'UNKNOWN_SUBJECT'],
    ['bad menu subject', [{ action: 'read', subject: 'menu:' }], 'rules[0]', 'UNKNOWN_SUBJECT'],
    ['unknown field in fields', [{ action: 'read', subject: 'probe', fields: ['nope'] }], 'rules[0]', 'UNKNOWN_FIELD'],
    ['fields on all', [{ action: 'read', subject: 'all', fields: ['name'] }], 'rules[0]', 'FIELDS_NEED_TABLE'],
    [
      'fields and conditions',
      [{ action: 'read', subject: 'probe', fields: ['name'], conditions: { owner: '$me' } }],
      'rules[0]',
      'FIELDS_AND_CONDITIONS',
    ],
    [
      'conditions on settings',
      [{ action: 'manage', subject: 'settings', conditions: { owner: '$me' } }],
      'rules[0]',
      'CONDITIONS_NEED_TABLE',
    ],
    ['unknown condition field', [{ action: 'read', subject: 'probe', conditions: { nope: 1 } }], 'rules[0]', 'UNKNOWN_FIELD'],
    ['field key on all', [{ action: 'read', subject: 'all', conditions: { name: 'x' } }], 'rules[0]', 'UNKNOWN_FIELD'],
    [
      '__proto__ condition',
      [{ action: 'read', subject: 'probe', conditions: JSON.parse('{"__proto__":{"owner":"x"}}') }],
      'rules[0]',
      'UNKNOWN_FIELD',
    ],
    ['constructor condition', [{ action: 'read', subject: 'probe', conditions: { constructor: 'x' } }], 'rules[0]', 'UNKNOWN_FIELD'],
    ['unknown operator', [{ action: 'read', subject: 'probe', conditions: { qty: { $regex: '.*' } } }], 'rules[0]', 'UNKNOWN_OPERATOR'],
    ['$where', [{ action: 'read', subject: 'probe', conditions: { qty: { $where: 'sleep(1)' } } }], 'rules[0]', 'UNKNOWN_OPERATOR'],
    ['top-level $or', [{ action: 'read', subject: 'probe', conditions: { $or: [{ qty: 1 }] } }], 'rules[0]', 'UNKNOWN_OPERATOR'],
    [
      'operator the type lacks',
      [{ action: 'read', subject: 'probe', conditions: { active: { $gt: true } } }],
      'rules[0]',
      'INVALID_OPERATOR',
    ],
    ['$eq on multiple choices', [{ action: 'read', subject: 'probe', conditions: { tags: 'vip' } }], 'rules[0]', 'INVALID_OPERATOR'],
    ['not a number', [{ action: 'read', subject: 'probe', conditions: { qty: { $gt: 'lots' } } }], 'rules[0]', 'INVALID_VALUE'],
    ['not a choice', [{ action: 'read', subject: 'probe', conditions: { status: 'platinum' } }], 'rules[0]', 'INVALID_VALUE'],
    ['owner not a uuid', [{ action: 'read', subject: 'probe', conditions: { owner: 'bob' } }], 'rules[0]', 'INVALID_VALUE'],
    ['null value', [{ action: 'read', subject: 'probe', conditions: { name: null } }], 'rules[0]', 'INVALID_VALUE'],
    ['array without $in', [{ action: 'read', subject: 'probe', conditions: { name: ['a'] } }], 'rules[0]', 'INVALID_VALUE'],
    ['unknown placeholder', [{ action: 'read', subject: 'probe', conditions: { owner: '$you' } }], 'rules[0]', 'INVALID_VALUE'],
    ['bad attribute name', [{ action: 'read', subject: 'probe', conditions: { name: '$me.__proto__' } }], 'rules[0]', 'INVALID_VALUE'],
    ['$exists not boolean', [{ action: 'read', subject: 'probe', conditions: { name: { $exists: 1 } } }], 'rules[0]', 'INVALID_VALUE'],
    ['inverted not boolean', [{ action: 'read', subject: 'probe', inverted: 'yes' }], 'rules[0]', 'INVALID_INVERTED'],
    [
      'too many conditions',
      [
        {
          action: 'read',
          subject: 'probe',
          conditions: { qty: { $gt: 1, $lt: 9, $ne: 5, $gte: 2, $lte: 8 }, rate: { $gt: 1, $lt: 9, $ne: 5, $gte: 2, $lte: 8 }, name: 'x' },
        },
      ],
      'rules[0]',
      'TOO_MANY_CONDITIONS',
    ],
  ])('%s', (_name, rules, where, code) => {
    const r = refusal(rules);
    expect(r.details[where]?.code, JSON.stringify(r.details)).toBe(code);
    if (where.startsWith('rules[')) expect(r.message).toContain(`rule ${where.slice(6, -1)}`);
  });

  test('stores table and field ids, serves keys', () => {
    const wire = [
      { action: 'read', subject: 'probe', fields: ['name', 'qty'] },
      {
        action: 'update',
        subject: 'probe',
        conditions: { owner: '$me', status: 'vip', qty: { $gte: 1, $lt: 10 }, tags: { $in: ['vip'] } },
      },
      { action: 'read', subject: 'probe', conditions: { name: '$me.region', status: { $in: '$myGroups' } }, inverted: true },
      { action: 'manage', subject: 'all' },
      { action: 'read', subject: 'menu:reports' },
      { action: 'read', subject: 'all', conditions: { owner: { $in: ['$me'] } } },
    ];
    const stored = parseRules(wire, tables, ctx);
    expect(stored[0]).toEqual({ action: 'read', subject: TABLE_ID, fields: ['fld-name', 'fld-qty'] });
    expect(stored[1]!.conditions).toEqual({
      owner: '$me',
      'fld-status': 'vip',
      'fld-qty': { $gte: 1, $lt: 10 },
      'fld-tags': { $in: ['vip'] },
    });
    expect(stored[2]!.inverted).toBe(true);
    expect(rulesToWire(stored, tables)).toEqual(wire);
    // a renamed field keeps its rules
    const renamed = { ...table, key: 'things', fields: table.fields.map((f) => (f.key === 'qty' ? { ...f, key: 'quantity' } : f)) };
    expect(rulesToWire(stored, [renamed])[1]).toMatchObject({ subject: 'things', conditions: { quantity: { $gte: 1, $lt: 10 } } });
  });

  test('a table whose key is a special subject is named by its id', () => {
    const settings = { ...table, id: '0192f0c1-0000-7000-8000-0000000000f5', key: 'settings' };
    const stored = parseRules(
      [
        { action: 'read', subject: settings.id },
        { action: 'read', subject: 'settings' },
      ],
      [settings],
      ctx,
    );
    expect(stored.map((r) => r.subject)).toEqual([settings.id, 'settings']);
    expect(rulesToWire(stored, [settings]).map((r) => r.subject)).toEqual([settings.id, 'settings']);
  });
});

const rights = (wire: unknown[], action = 'read', who = user) => tableRights(parseRules(wire, tables, ctx), table, action, who, ctx);

describe('compilation', () => {
  test('no rule: not allowed, nothing in scope', () => {
    expect(rights([])).toMatchObject({ allowed: false, scope: FALSE_NODE });
    expect(rights([{ action: 'read', subject: 'probe' }], 'update').allowed).toBe(false);
  });

  test('manage and all cover every action and table; unconditional means every row', () => {
    for (const action of ['read', 'create', 'update', 'delete', 'export'])
      expect(rights([{ action: 'manage', subject: 'all' }], action)).toMatchObject({ allowed: true, scope: undefined });
  });

  test('can rules are OR-ed, cannot rules AND NOT-ed, placeholders bound as values', () => {
    const r = rights([
      { action: 'read', subject: 'all', conditions: { owner: '$me' } },
      { action: 'read', subject: 'probe', conditions: { name: '$me.region', qty: { $gt: 2 } } },
      { action: 'read', subject: 'probe', conditions: { status: 'gone' }, inverted: true },
    ]);
    expect(r.allowed).toBe(true);
    expect(r.scope).toEqual({
      and: [
        {
          or: [
            { field: 'owner', op: 'eq', value: ME_ID },
            {
              and: [
                { field: 'name', op: 'eq', value: 'north' },
                { field: 'qty', op: 'gt', value: 2 },
              ],
            },
          ],
        },
        { not: { field: 'status', op: 'eq', value: 'gone' } },
      ],
    });
  });

  test('$myGroups and list attributes compare by membership', () => {
    expect(rights([{ action: 'read', subject: 'probe', conditions: { name: '$myGroups' } }]).scope).toEqual({
      field: 'name',
      op: 'in',
      value: ['g-id', 'sales'],
    });
    expect(rights([{ action: 'read', subject: 'probe', conditions: { name: { $nin: '$me.regions' } } }]).scope).toEqual({
      field: 'name',
      op: 'nin',
      value: ['north', 'east'],
    });
    // values a select cannot hold drop out of $in
    expect(rights([{ action: 'read', subject: 'probe', conditions: { status: { $in: '$myGroups' } } }]).scope).toEqual(FALSE_NODE);
  });

  test('a missing attribute fails closed: a can rule grants nothing, a cannot rule denies every row', () => {
    const noAttrs: RuleUser = { ...user, attributes: {} };
    expect(rights([{ action: 'read', subject: 'probe', conditions: { name: '$me.region' } }], 'read', noAttrs)).toMatchObject({
      allowed: true,
      scope: FALSE_NODE,
    });
    expect(
      rights(
        [
          { action: 'read', subject: 'probe' },
          { action: 'read', subject: 'probe', conditions: { name: '$me.region' }, inverted: true },
        ],
        'read',
        noAttrs,
      ).scope,
    ).toEqual(FALSE_NODE);
    // an attribute of the wrong type for an ordering comparison too
    expect(rights([{ action: 'read', subject: 'probe', conditions: { qty: { $gt: '$me.region' } } }]).scope).toEqual(FALSE_NODE);
  });

  test('a condition on a deleted field fails closed', () => {
    const stored: StoredRule[] = [{ action: 'read', subject: TABLE_ID, conditions: { 'fld-deleted': 'x' } }];
    expect(tableRights(stored, table, 'read', user, ctx).scope).toEqual(FALSE_NODE);
    const deny: StoredRule[] = [
      { action: 'read', subject: TABLE_ID },
      { action: 'read', subject: TABLE_ID, conditions: { 'fld-deleted': 'x' }, inverted: true },
    ];
    expect(tableRights(deny, table, 'read', user, ctx).scope).toEqual(FALSE_NODE);
  });

  test('an unconditional cannot takes the action away', () => {
    expect(
      rights(
        [
          { action: 'manage', subject: 'all' },
          { action: 'delete', subject: 'probe', inverted: true },
        ],
        'delete',
      ).allowed,
    ).toBe(false);
    expect(
      rights(
        [
          { action: 'manage', subject: 'all' },
          { action: 'delete', subject: 'probe', inverted: true },
        ],
        'update',
      ).allowed,
    ).toBe(true);
  });

  test('field rights: a field is usable when it is usable on every row in scope', () => {
    const f = (wire: unknown[]) => {
      const r = rights(wire);
      return table.fields.filter((x) => r.field(x.id)).map((x) => x.key);
    };
    expect(f([{ action: 'read', subject: 'probe', fields: ['name', 'qty'] }])).toEqual(['name', 'qty']);
    expect(
      f([
        { action: 'read', subject: 'probe' },
        { action: 'read', subject: 'probe', fields: ['qty', 'price'], inverted: true },
      ]),
    ).not.toContain('qty');
    // names of every client, and everything about one's own: names only, on every row
    expect(
      f([
        { action: 'read', subject: 'probe', fields: ['name'] },
        { action: 'read', subject: 'probe', conditions: { owner: '$me' } },
      ]),
    ).toEqual(['name']);
    expect(f([{ action: 'read', subject: 'probe', conditions: { owner: '$me' } }]).length).toBe(table.fields.length);
  });
});

describe('non-table subjects and CASL rules', () => {
  test('settings need an unconditional rule and no cannot', () => {
    const admin = parseRules([{ action: 'manage', subject: 'all' }], tables, ctx);
    const senior = parseRules(
      [
        { action: 'read', subject: 'all' },
        { action: 'manage', subject: 'settings', inverted: true },
      ],
      tables,
      ctx,
    );
    const manager = parseRules([{ action: 'manage', subject: 'all', conditions: { owner: '$me' } }], tables, ctx);
    expect(canSubject(admin, 'manage', 'settings')).toBe(true);
    expect(canSubject(senior, 'manage', 'settings')).toBe(false);
    expect(canSubject(senior, 'read', 'settings')).toBe(false);
    expect(canSubject(manager, 'manage', 'settings')).toBe(false);
  });

  test('keys, bound placeholders, cannot rules last, undecidable rules resolved', () => {
    const stored = parseRules(
      [
        { action: 'read', subject: 'probe', conditions: { status: 'vip' }, inverted: true },
        { action: 'read', subject: 'all', conditions: { owner: '$me' } },
        { action: 'read', subject: 'probe', conditions: { name: '$me.missing' } },
        { action: 'update', subject: 'probe', fields: ['name'] },
      ],
      tables,
      ctx,
    );
    expect(toCaslRules(stored, tables, user, ctx)).toEqual([
      { action: 'read', subject: 'all', conditions: { owner: { $eq: ME_ID } } },
      { action: 'update', subject: 'probe', fields: ['name'] },
      { action: 'read', subject: 'probe', conditions: { status: { $eq: 'vip' } }, inverted: true },
    ]);
  });
});
