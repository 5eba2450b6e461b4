/** Dangling references in stored rules: resolved as the gate enforces them, never wider. */
import { describe, expect, test } from 'vitest';
import { ctx, makeTable, TABLE_ID } from '../testing/fixtures.js';
import { FALSE_NODE, tableRights } from './compile-rules.js';
import { liveRule, liveRules } from './live-rules.js';
import type { RuleUser, StoredRule } from './rule-types.js';

const table = makeTable();
const user: RuleUser = { id: '0192f0c1-0000-7000-8000-0000000000e1', attributes: {}, groups: [] };
const DEAD = 'fld-deleted';
const read = (r: Partial<StoredRule> = {}): StoredRule => ({ action: 'read', subject: TABLE_ID, ...r });

describe('liveRule', () => {
  test.each<[string, StoredRule, StoredRule | undefined]>([
    ['nothing dangling: as is', read({ fields: ['fld-name'] }), read({ fields: ['fld-name'] })],
    [
      'special subject: as is',
      { action: 'read', subject: 'all', conditions: { owner: '$me' } },
      { action: 'read', subject: 'all', conditions: { owner: '$me' } },
    ],
    ['deleted table: dropped', { action: 'read', subject: 'tbl-deleted' }, undefined],
    ['a deleted id leaves fields', read({ fields: [DEAD, 'fld-qty'], inverted: true }), read({ fields: ['fld-qty'], inverted: true })],
    ['cannot left with no field: dropped', read({ fields: [DEAD], inverted: true }), undefined],
    ['can left with no field: dropped', read({ fields: [DEAD] }), undefined],
    ['can with a condition on a deleted field: dropped', read({ conditions: { [DEAD]: 'x', owner: '$me' } }), undefined],
    [
      'cannot keeps its other conditions',
      read({ conditions: { [DEAD]: 'x', 'fld-name': 'y' }, inverted: true }),
      read({ conditions: { 'fld-name': 'y' }, inverted: true }),
    ],
    ['cannot with no condition left: every row', read({ conditions: { [DEAD]: 'x' }, inverted: true }), read({ inverted: true })],
  ])('%s', (_name, rule, expected) => {
    expect(liveRule(rule, rule.subject === TABLE_ID ? table : undefined)).toEqual(expected);
  });

  test('liveRules keeps the order of the rules that remain', () => {
    expect(liveRules([read({ fields: [DEAD] }), read(), { action: 'manage', subject: 'settings' }], [table])).toEqual([
      read(),
      { action: 'manage', subject: 'settings' },
    ]);
  });
});

describe('compilation agrees with the wire form', () => {
  const fields = (rules: StoredRule[]) => {
    const r = tableRights(rules, table, 'read', user, ctx);
    return table.fields.filter((f) => r.field(f.id)).map((f) => f.key);
  };

  test('a cannot rule keeps hiding the fields that remain', () => {
    expect(fields([read(), read({ fields: [DEAD, 'fld-qty'], inverted: true })])).not.toContain('qty');
    expect(fields([read(), read({ fields: [DEAD, 'fld-qty'], inverted: true })])).toContain('name');
  });

  test('a can rule with no field left grants nothing', () => {
    expect(tableRights([read({ fields: [DEAD] })], table, 'read', user, ctx)).toMatchObject({ allowed: false, scope: FALSE_NODE });
  });

  test('a cannot rule whose only condition is dangling takes the action away', () => {
    expect(tableRights([read(), read({ conditions: { [DEAD]: 'x' }, inverted: true })], table, 'read', user, ctx)).toMatchObject({
      allowed: false,
      scope: FALSE_NODE,
    });
  });
});
