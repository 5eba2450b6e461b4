/**
 * The attachment type: options, the strict shape of its value, hostile names made safe
 * for display (and idempotently so), accept patterns, and its two operators.
 */
import { describe, expect, test } from 'vitest';
import { SqlBuilder } from '../query/sql-builder.js';
import { getFieldType } from '../registry.js';
import { ctx, issueOf, makeField } from '../testing/fixtures.js';
import {
  attachmentFieldType as def,
  cleanAttachmentName,
  DEFAULT_MAX_ATTACHMENT_SIZE,
  MAX_ATTACHMENT_SIZE,
} from './attachment.field-type.js';

const ID = '0192f0c1-7a4b-7cde-8f00-123456789abc';
const ID2 = '0192f0c1-7a4b-7cde-8f00-123456789abd';
const PDF = { id: ID, name: 'invoice.pdf', size: 1234, type: 'application/pdf' };

test('is registered under "attachment"', () => {
  expect(getFieldType('attachment')).toBe(def);
  expect(def.sortable || def.canBeUnique || def.searchable || def.canBePrimary || def.computed).toBe(false);
  expect(def.operators).toEqual(['isEmpty', 'isNotEmpty']);
});

describe('options', () => {
  test.each([
    [undefined, { maxSize: DEFAULT_MAX_ATTACHMENT_SIZE, multiple: true }],
    [
      { maxSize: 1024, multiple: false },
      { maxSize: 1024, multiple: false },
    ],
    [
      { accept: ['Image/*', ' application/pdf ', 'image/*'] },
      { maxSize: DEFAULT_MAX_ATTACHMENT_SIZE, multiple: true, accept: ['image/*', 'application/pdf'] },
    ],
    [{ maxSize: MAX_ATTACHMENT_SIZE }, { maxSize: MAX_ATTACHMENT_SIZE, multiple: true }],
  ])('%j → %j', (raw, want) => {
    expect(def.parseOptions(raw)).toEqual(want);
  });

  test.each([
    [{ maxSize: MAX_ATTACHMENT_SIZE + 1 }, 'INVALID_OPTION'],
    [{ maxSize: 0 }, 'INVALID_OPTION'],
    [{ maxSize: '10MB' }, 'INVALID_OPTION'],
    [{ maxSize: 1.5 }, 'INVALID_OPTION'],
    [{ accept: 'image/*' }, 'INVALID_OPTION'],
    [{ accept: [] }, 'INVALID_OPTION'],
    [{ accept: ['pdf'] }, 'INVALID_OPTION'],
    [{ accept: ['.pdf'] }, 'INVALID_OPTION'],
    [{ accept: ['*/*'] }, 'INVALID_OPTION'],
    [{ accept: ['image/*; q=1'] }, 'INVALID_OPTION'],
    [{ accept: [42] }, 'INVALID_OPTION'],
    [{ multiple: 'yes' }, 'INVALID_OPTION'],
    [{ path: '/etc' }, 'UNKNOWN_OPTION'],
    [['image/*'], 'INVALID_OPTIONS'],
  ])('refuses %j with %s', (raw, issue) => {
    expect(issueOf(() => def.parseOptions(raw))).toBe(issue);
  });
});

describe('values', () => {
  const field = makeField('attachment', { maxSize: 1024 });
  const single = makeField('attachment', { multiple: false });

  test.each([
    [[PDF], [PDF]],
    [[{ ...PDF, id: ID.toUpperCase() }], [PDF]],
    [
      [{ type: 'image/png', size: 0, name: 'a.png', id: ID2 }, PDF],
      [{ id: ID2, name: 'a.png', size: 0, type: 'image/png' }, PDF],
    ],
    [[{ ...PDF, name: 'evil\u202Egpj.exe' }], [{ ...PDF, name: 'evilgpj.exe' }]],
    [[{ ...PDF, name: '../../etc/passwd' }], [{ ...PDF, name: '../../etc/passwd' }]],
  ])('accepts %j', (input, stored) => {
    const got = def.coerce(input, field, ctx);
    expect(got).toEqual(stored);
    expect(def.toWire(got, field)).toEqual(stored);
    expect(def.coerce(def.toWire(got, field), field, ctx)).toEqual(stored); // idempotent
  });

  test.each([
    [PDF, 'NOT_A_LIST'],
    ['invoice.pdf', 'NOT_A_LIST'],
    [[ID], 'INVALID_ATTACHMENT'],
    [[{ ...PDF, path: '/etc/passwd' }], 'INVALID_ATTACHMENT'],
    [[{ ...PDF, id: 'abc' }], 'INVALID_ATTACHMENT'],
    [[{ ...PDF, name: 42 }], 'INVALID_ATTACHMENT'],
    [[{ ...PDF, size: -1 }], 'INVALID_ATTACHMENT'],
    [[{ ...PDF, size: '1234' }], 'INVALID_ATTACHMENT'],
    [[{ ...PDF, size: MAX_ATTACHMENT_SIZE + 1 }], 'INVALID_ATTACHMENT'],
    [[{ ...PDF, type: 'text/html; charset=utf-8' }], 'INVALID_ATTACHMENT'],
    [[{ ...PDF, type: 'Application/PDF' }], 'INVALID_ATTACHMENT'],
    [[{ ...PDF, type: 'pdf' }], 'INVALID_ATTACHMENT'],
    [[{ id: ID, name: 'a', size: 1 }], 'INVALID_ATTACHMENT'],
    [[PDF, { ...PDF }], 'DUPLICATE_VALUE'],
    [[JSON.parse('{"__proto__":{"x":1},"id":"' + ID + '","name":"a","size":1,"type":"a/b"}')], 'INVALID_ATTACHMENT'],
    [Array.from({ length: 101 }, () => PDF), 'TOO_MANY_VALUES'],
  ])('refuses %j with %s', (input, issue) => {
    expect(issueOf(() => def.coerce(input, field, ctx))).toBe(issue);
  });

  test('a single-file field holds one file', () => {
    expect(def.coerce([PDF], single, ctx)).toEqual([PDF]);
    expect(issueOf(() => def.coerce([PDF, { ...PDF, id: ID2 }], single, ctx))).toBe('TOO_MANY_VALUES');
  });

  test('malformed stored items drop out of the wire form', () => {
    expect(def.toWire([PDF, { id: 'x' }, null, 'a'], field)).toEqual([PDF]);
    expect(def.toWire('nope', field)).toEqual([]);
  });

  test('formats as the names joined', () => {
    expect(def.format([PDF, { ...PDF, id: ID2, name: 'scan.png' }], field)).toBe('invoice.pdf, scan.png');
    expect(def.format(null, field)).toBe('');
  });
});

describe('names', () => {
  test.each([
    ['invoice.pdf', 'invoice.pdf'],
    ['../../etc/passwd', '../../etc/passwd'],
    ['C:\\Windows\\system32\\cmd.exe', 'C:\\Windows\\system32\\cmd.exe'],
    ['report\r\nContent-Type: text/html.pdf', 'report  Content-Type: text/html.pdf'],
    ['a\u0000b\u0007c\u0085d\u2028e', 'a b c d e'],
    ['photo\u202Egnp.exe', 'photognp.exe'],
    ['\u2066x\u2069\u200e\u200f\u061c\ufeffy', 'xy'],
    ['Cafe\u0301.txt', 'Café.txt'],
    ['  \n\t ', 'file'],
    ['', 'file'],
    ['👍'.repeat(300), '👍'.repeat(255)],
    ['a'.repeat(300), 'a'.repeat(255)],
  ])('%j → %j', (raw, want) => {
    const got = cleanAttachmentName(raw);
    expect(got).toBe(want);
    expect(cleanAttachmentName(got)).toBe(got);

    expect(got).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });
});

test('filters: isEmpty / isNotEmpty over the jsonb slot, nothing else', () => {
  const field = makeField('attachment', undefined, { slot: 'f7' });
  const b = new SqlBuilder();
  expect(def.compileOp!('isEmpty', undefined, field, 'r', b, ctx)).toBe(
    `NOT COALESCE(jsonb_typeof((r.data->'f7')) = 'array' AND (r.data->'f7') <> '[]'::jsonb, FALSE)`,
  );
  expect(def.compileOp!('isNotEmpty', undefined, field, 'r', b, ctx)).toBe(
    `COALESCE(jsonb_typeof((r.data->'f7')) = 'array' AND (r.data->'f7') <> '[]'::jsonb, FALSE)`,
  );
  expect(issueOf(() => def.compileOp!('eq', [], field, 'r', b, ctx))).toBe('INVALID_OPERATOR');
  expect(issueOf(() => def.filterOperand('x', field, ctx))).toBe('INVALID_OPERATOR');
  expect(b.values).toEqual([]);
});
