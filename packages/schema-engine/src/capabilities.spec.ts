/** fieldCapabilities: a type's flags, and for filters and sorts those of the type it delegates to. */
import { describe, expect, test } from 'vitest';
import './field-types/all.js';
import { fieldCapabilities, getFieldType } from './registry.js';
import { BUILT_IN_FIELD_TYPES } from './field-types/all.js';

describe('fieldCapabilities', () => {
  test.each(BUILT_IN_FIELD_TYPES.filter((d) => !d.delegate).map((d) => [d.type]))('%s: its own flags', (type) => {
    const def = getFieldType(type);
    expect(fieldCapabilities({ type, options: {} })).toEqual({
      filterType: type,
      computed: def.computed,
      sortable: def.sortable,
      canBePrimary: def.canBePrimary,
      searchable: def.searchable,
      canBeUnique: def.canBeUnique,
      operators: def.operators,
    });
  });

  test.each([
    ['formula', { expression: 'a', resultType: 'number' }, 'number'],
    ['formula', { expression: 'a', resultType: 'money', currency: 'EUR' }, 'money'],
    ['formula', { expression: 'a', resultType: 'text' }, 'longText'],
    ['formula', { expression: 'a', resultType: 'boolean' }, 'boolean'],
    ['formula', { expression: 'TODAY()', resultType: 'date', volatile: true }, 'formula'],
    ['lookup', { link: 'l', field: 'f', resultType: 'date' }, 'date'],
    ['lookup', { link: 'l', field: 'f', resultType: 'date', multiple: true }, 'lookup'],
    ['rollup', { link: 'l', field: 'f', aggregate: 'sum' }, 'number'],
  ])('%s %j filters as %s', (type, options, filterType) => {
    const caps = fieldCapabilities({ type, options });
    expect(caps.filterType).toBe(filterType);
    expect(caps.operators).toEqual(getFieldType(filterType).operators);
    expect(caps.sortable).toBe(getFieldType(filterType).sortable);
    // what the field is stays its own type's
    expect(caps.computed).toBe(true);
    expect(caps.canBePrimary).toBe(getFieldType(type).canBePrimary);
  });

  test('an unknown type is refused as the registry refuses it', () => {
    expect(() => fieldCapabilities({ type: 'nope' })).toThrow(/Unknown field type/);
  });
});
