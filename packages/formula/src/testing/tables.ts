/**
 * Three linked tables as the API's schema cache holds them (options parsed by their field
 * types): clients ← orders → lines. For the specs of the field → formula bridge.
 */
import { getFieldType, type FieldMeta, type TableMeta } from '@tabula/schema-engine';

export const CLIENTS = '0192f0c1-0000-7000-8000-0000000000c1';
export const ORDERS = '0192f0c1-0000-7000-8000-0000000000c2';
export const LINES = '0192f0c1-0000-7000-8000-0000000000c3';
const ID = (n: number) => `0192f0c1-0000-7000-8000-${String(n).padStart(12, '0')}`;

let n = 0;
export function fieldMeta(tableId: string, key: string, type: string, options: unknown = undefined): FieldMeta {
  n++;
  return {
    id: ID(n),
    tableId,
    key,
    label: key,
    type,
    slot: `f${n}`,
    options: getFieldType(type).parseOptions(options),
    required: false,
    unique: false,
    defaultValue: null,
    searchable: false,
    position: n,
  };
}

function table(id: string, key: string, fields: FieldMeta[]): TableMeta {
  return { id, workspaceId: ID(0), key, label: key, primaryFieldId: fields[0]!.id, position: 0, fields };
}

/** A fresh copy each call, with the same ids each time. */
export function world(): { clients: TableMeta; orders: TableMeta; lines: TableMeta; tables: (id: string) => TableMeta | undefined } {
  n = 0;
  const clients = table(CLIENTS, 'clients', [
    fieldMeta(CLIENTS, 'name', 'text'),
    fieldMeta(CLIENTS, 'credit', 'money', { currency: 'EUR' }),
  ]);
  const lines = table(LINES, 'lines', [
    fieldMeta(LINES, 'amount', 'money', { currency: 'EUR' }),
    fieldMeta(LINES, 'qty', 'number'),
    fieldMeta(LINES, 'shipped', 'date'),
  ]);
  const orders = table(ORDERS, 'orders', [
    fieldMeta(ORDERS, 'no', 'autonumber', { format: 'ORD-{YYYY}-{0000}' }),
    fieldMeta(ORDERS, 'date', 'date'),
    fieldMeta(ORDERS, 'files', 'attachment'),
    fieldMeta(ORDERS, 'client', 'link', { table: CLIENTS, multiple: false }),
    fieldMeta(ORDERS, 'lines', 'link', { table: LINES, multiple: true }),
  ]);
  const inverse = (t: TableMeta, key: string, to: TableMeta) => {
    const link = to.fields.find((f) => f.key === key)!;
    const f = fieldMeta(t.id, to.key, 'link', { table: to.id, side: 'inverse', pair: link.id });
    t.fields.push(f);
  };
  inverse(clients, 'client', orders);
  inverse(lines, 'lines', orders);
  const all = new Map([clients, orders, lines].map((t) => [t.id, t]));
  return { clients, orders, lines, tables: (id) => all.get(id) };
}
