import { DomainError } from '@tabula/schema-engine';
import { describe, expect, it } from 'vitest';
import { assertNoCycle, compileFormula, findCycle } from './index.js';
import type { FormulaSchema } from './types.js';
import { field } from './testing/fields.js';

describe('findCycle', () => {
  it('returns null for a graph without a cycle', () => {
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toBeNull();
    expect(
      findCycle(
        new Map([
          ['a', ['b', 'c']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toBeNull(); // a diamond
    expect(findCycle(new Map())).toBeNull();
  });

  it('names the path of the cycle, starting and ending on the same field', () => {
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'a']);
    expect(
      findCycle(
        new Map([
          ['x', ['a']],
          ['a', ['b']],
          ['b', ['a']],
        ]),
      ),
    ).toEqual(['a', 'b', 'a']);
  });

  it('finds a field that depends on itself', () => {
    expect(findCycle(new Map([['a', ['a']]]))).toEqual(['a', 'a']);
  });

  it('handles a chain of 100,000 fields without overflowing the stack', () => {
    const g = new Map<string, string[]>();
    for (let i = 0; i < 100_000; i++) g.set(`f${i}`, [`f${i + 1}`]);
    expect(findCycle(g)).toBeNull();
    g.set('f100000', ['f0']);
    expect(findCycle(g)).toHaveLength(100_002);
  });

  it('works on the dependencies of compiled formulas, and CYCLE names the keys', () => {
    const s: FormulaSchema = {
      fields: [
        field('id_net', 'net', 'formula', { resultType: 'number' }),
        field('id_vat', 'vat', 'formula', { resultType: 'number' }),
        field('id_gross', 'gross', 'formula', { resultType: 'number' }),
      ],
    };
    const formulas = { id_net: 'gross - vat', id_vat: 'net * 0.19', id_gross: 'net + vat' };
    const graph = new Map(Object.entries(formulas).map(([id, e]) => [id, compileFormula(e, s).dependencies]));
    const keyOf = (id: string): string => s.fields.find((f) => f.id === id)!.key;
    expect(findCycle(graph)?.map(keyOf)).toEqual(['net', 'gross', 'net']);
    try {
      assertNoCycle(graph, keyOf);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('CYCLE');
      expect((e as DomainError).details).toEqual({ path: ['net', 'gross', 'net'] });
    }
    expect(() => assertNoCycle(new Map([['id_net', []]]), keyOf)).not.toThrow();
  });
});
