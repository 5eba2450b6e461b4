/**
 * The card layout editor's model: a saved layout → tabs, sections and a palette of the
 * fields not placed (toModel), and back to the layout the API stores (toSpec).
 */
import { describe, expect, test } from 'vitest';
import type { CardLayout, Field, Table } from '../api/types';
import { defaultCardLayout, defaultTableLayout } from '../api/layouts';
import { toModel, toSpec, type TabModel } from './card-model';

const f = (key: string, position: number, type = 'text', options: Record<string, unknown> = {}): Field => ({
  id: `id-${key}`,
  key,
  label: key.toUpperCase(),
  type,
  options,
  required: false,
  unique: false,
  default: null,
  searchable: false,
  position,
  primary: false,
});
const table: Table = {
  id: 't1',
  key: 'clients',
  label: 'Clients',
  primaryField: 'name',
  position: 0,
  fields: [
    f('notes', 4, 'longText'),
    f('name', 0),
    f('city', 2),
    f('email', 1, 'email'),
    f('orders', 3, 'link', { table: 't2', multiple: true }),
    f('owner', 5, 'link', { table: 't3', multiple: false }),
  ],
};

const layout: CardLayout = {
  tabs: [
    {
      title: 'Main',
      sections: [
        { title: 'Who', columns: 2, fields: ['name', 'email'] },
        { title: 'Where', columns: 1, fields: ['city'] },
      ],
    },
    { title: 'More', sections: [{ title: '', columns: 1, fields: ['notes'] }] },
  ],
  subtables: [{ field: 'orders' }],
};

describe('toModel', () => {
  test('places the fields of the layout; the palette holds the others, in field order', () => {
    const m = toModel(table, layout);
    expect(m.tabs.map((t) => [t.title, t.sections.map((s) => [s.title, s.columns, s.items.map((i) => i.id)])])).toEqual([
      [
        'Main',
        [
          ['Who', 2, ['name', 'email']],
          ['Where', 1, ['city']],
        ],
      ],
      ['More', [['', 1, ['notes']]]],
    ]);
    expect(m.palette.map((i) => i.id)).toEqual(['orders', 'owner']);
    expect(m.subtables).toEqual(['orders']);
  });

  test('a field placed twice keeps its first place only', () => {
    const twice: CardLayout = {
      tabs: [
        {
          title: 'A',
          sections: [
            { title: 'x', columns: 1, fields: ['name', 'city', 'name'] },
            { title: 'y', columns: 1, fields: ['city', 'email'] },
          ],
        },
      ],
      subtables: [],
    };
    const m = toModel(table, twice);
    expect(m.tabs[0]!.sections.map((s) => s.items.map((i) => i.id))).toEqual([['name', 'city'], ['email']]);
    expect(m.palette.map((i) => i.id)).toEqual(['orders', 'notes', 'owner']);
  });

  test('every tab and section gets its own id, for drag and drop', () => {
    const a = toModel(table, layout);
    const b = toModel(table, layout);
    const ids = [a, b].flatMap((m) => m.tabs.flatMap((t) => [t.id, ...t.sections.map((s) => s.id)]));
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('an empty layout puts every field in the palette', () => {
    expect(toModel(table, { tabs: [], subtables: [] }).palette.map((i) => i.id)).toEqual([
      'name',
      'email',
      'city',
      'orders',
      'notes',
      'owner',
    ]);
  });
});

describe('toSpec', () => {
  test('gives back the layout it was made from', () => {
    const m = toModel(table, layout);
    expect(toSpec(m.tabs, m.subtables)).toEqual(layout);
  });

  test('an edit in the model is an edit of the layout', () => {
    const m = toModel(table, layout);
    const tabs: TabModel[] = m.tabs.map((t) => ({ ...t, sections: t.sections.map((s) => ({ ...s, items: [...s.items] })) }));
    // drag "city" to the first section, drop "notes" back to the palette, add a sub-table
    tabs[0]!.sections[0]!.items.push(tabs[0]!.sections[1]!.items.pop()!);
    tabs[1]!.sections[0]!.items = [];
    tabs[0]!.sections[0]!.columns = 3;
    expect(toSpec(tabs, [...m.subtables, 'owner'])).toEqual({
      tabs: [
        {
          title: 'Main',
          sections: [
            { title: 'Who', columns: 3, fields: ['name', 'email', 'city'] },
            { title: 'Where', columns: 1, fields: [] },
          ],
        },
        { title: 'More', sections: [{ title: '', columns: 1, fields: [] }] },
      ],
      subtables: [{ field: 'orders' }, { field: 'owner' }],
    });
  });
});

describe('default layouts (no layout saved yet)', () => {
  test('a card: one section of the fields in order, links to many as sub-tables', () => {
    expect(defaultCardLayout(table)).toEqual({
      tabs: [{ title: 'Main', sections: [{ title: 'Clients', columns: 2, fields: ['name', 'email', 'city', 'notes', 'owner'] }] }],
      subtables: [{ field: 'orders' }],
    });
  });

  test('a table: every field as a column, in order, sized by its type', () => {
    expect(defaultTableLayout(table).columns).toEqual([
      { field: 'name', width: 180 },
      { field: 'email', width: 180 },
      { field: 'city', width: 180 },
      { field: 'orders', width: 180 },
      { field: 'notes', width: 260 },
      { field: 'owner', width: 180 },
    ]);
  });
});
