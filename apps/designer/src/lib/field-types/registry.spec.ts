/**
 * The designer's UI registry matches the engine's field-type registry: one UI module per
 * engine type, keyed by the same `type`, with the engine's flags (not copies of them).
 */
import { fieldCapabilities, fieldTypeNames } from '@tabula/schema-engine/wire';
import { describe, expect, test } from 'vitest';
import { fieldTypes } from './registry';

describe('fieldTypes', () => {
  test('one UI module for every type of the engine, and none for a type it does not know', () => {
    expect(fieldTypes.all.map((t) => t.type).sort()).toEqual(fieldTypeNames().sort());
  });

  test.each(fieldTypeNames().map((t) => [t]))('%s: the engine’s flags and operators', (type) => {
    const engine = fieldCapabilities({ type });
    const ui = fieldTypes.get(type);
    expect({ computed: ui.computed, canBePrimary: ui.canBePrimary, searchable: ui.searchable, canBeUnique: ui.canBeUnique }).toEqual({
      computed: engine.computed,
      canBePrimary: engine.canBePrimary,
      searchable: engine.searchable,
      canBeUnique: engine.canBeUnique,
    });
    expect(fieldTypes.sortable({ type, options: {} })).toBe(engine.sortable);
    expect([...fieldTypes.operators({ type, options: {} })].sort()).toEqual([...engine.operators].sort());
  });

  test('a type’s preferred operator comes first', () => {
    for (const type of ['text', 'longText', 'email', 'phone', 'url'])
      expect(fieldTypes.operators({ type, options: {} })[0]).toBe('contains');
    expect(fieldTypes.operators({ type: 'number', options: {} })[0]).toBe('eq');
  });

  test('a type this designer does not know: shown as text, read-only, not sortable', () => {
    const t = fieldTypes.get('hologram');
    expect(fieldTypes.has('hologram')).toBe(false);
    expect(t).toMatchObject({ type: 'hologram', computed: true, editor: 'none', canBePrimary: false });
    expect(fieldTypes.sortable({ type: 'hologram', options: {} })).toBe(false);
    expect(t.format({ a: 1 }, { type: 'hologram' } as never)).toBe('{"a":1}');
  });
});
