/** UUIDv7: the layout of RFC 9562 and time order within one process. */
import { describe, expect, test } from 'vitest';
import { isUuid, uuidv7 } from './uuid.js';

describe('uuidv7', () => {
  test('version 7, RFC 4122 variant, the current milliseconds in the first 48 bits', () => {
    const before = Date.now();
    const id = uuidv7();
    const after = Date.now();
    expect(isUuid(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
    const ms = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after + 1);
  });

  test('ids made one after another sort in the order they were made, and never repeat', () => {
    const ids = Array.from({ length: 5000 }, () => uuidv7());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('isUuid', () => {
  test.each([
    ['0190f1f4-6c2e-7a3b-8c4d-1234567890ab', true],
    ['0190F1F4-6C2E-7A3B-8C4D-1234567890AB', true],
    ['0190f1f4-6c2e-7a3b-8c4d-1234567890a', false],
    ['not a uuid', false],
    [42, false],
  ])('%s → %s', (v, want) => expect(isUuid(v)).toBe(want));
});
