/** Rules after a deletion: what goes by itself, what refuses the deletion. */
import { describe, expect, test } from 'vitest';
import { makeTable, TABLE_ID } from '../testing/fixtures.js';
import { rulesAfterRemoval } from './rules-after-removal.js';
import type { StoredRule } from './rule-types.js';

const table = makeTable();
const OTHER = 'tbl-other';
const read = (r: Partial<StoredRule> = {}): StoredRule => ({ action: 'read', subject: TABLE_ID, ...r });
const after = (rules: StoredRule[], fields: string[], tables: string[] = []) => rulesAfterRemoval(rules, [table], { tables, fields });

describe('rulesAfterRemoval', () => {
  test('rules that name nothing removed are kept as they are', () => {
    const rules = [read(), read({ fields: ['fld-name'] }), { action: 'manage' as const, subject: 'all' }];
    expect(after(rules, ['fld-qty'])).toEqual({ rules, changed: false, blockers: [] });
  });

  test('the field leaves fields lists; an emptied cannot list goes', () => {
    const r = after(
      [
        read({ fields: ['fld-qty', 'fld-name'] }),
        read({ fields: ['fld-qty'], inverted: true }),
        read({ fields: ['fld-qty', 'fld-price'], inverted: true }),
      ],
      ['fld-qty'],
    );
    expect(r).toEqual({
      rules: [read({ fields: ['fld-name'] }), read({ fields: ['fld-price'], inverted: true })],
      changed: true,
      blockers: [],
    });
  });

  test('a can rule left with no field, or a condition on the field, refuses', () => {
    const r = after(
      [
        read(),
        read({ fields: ['fld-qty'] }),
        read({ conditions: { 'fld-qty': { $gt: 1 } }, inverted: true }),
        read({ conditions: { 'fld-qty': 1 } }),
      ],
      ['fld-qty'],
    );
    expect(r.blockers).toEqual([
      { index: 1, fieldId: 'fld-qty', reason: 'lastField' },
      { index: 2, fieldId: 'fld-qty', reason: 'condition' },
      { index: 3, fieldId: 'fld-qty', reason: 'condition' },
    ]);
  });

  test('a deleted id already dangling does not keep a list alive', () => {
    expect(after([read({ fields: ['fld-gone-before', 'fld-qty'], inverted: true })], ['fld-qty']).rules).toEqual([]);
  });

  test('a deleted table takes its rules, whatever they say', () => {
    const r = rulesAfterRemoval(
      [read(), { action: 'read', subject: OTHER, conditions: { x: 1 }, inverted: true }, { action: 'read', subject: OTHER, fields: ['y'] }],
      [table],
      { tables: [OTHER], fields: [] },
    );
    expect(r).toEqual({ rules: [read()], changed: true, blockers: [] });
  });
});
