import type { Field } from '../api/types';
import { base, isEmpty } from './field-type';

export function choiceValues(f: Field): string[] {
  return ((f.options?.choices ?? []) as { value: string }[]).map((c) => c.value);
}

export function matchChoice(f: Field, text: string): string | undefined {
  const t = text.trim().toLowerCase();
  return choiceValues(f).find((v) => v.toLowerCase() === t);
}

export const select = base({
  type: 'select',
  label: 'Single select',
  icon: '◉',
  group: 'Choices',
  description: 'One choice from a list, with colours',
  editor: 'select',
  defaultOptions: () => ({ choices: [] }),
  parse(t, f) {
    if (t.trim() === '') return { value: null };
    const v = matchChoice(f, t);
    return v === undefined ? { error: `"${t.trim()}" is not one of the choices` } : { value: v };
  },
  format: (v) => (isEmpty(v) ? '' : String(v)),
});

export const multiSelect = base({
  type: 'multiSelect',
  label: 'Multiple select',
  icon: '☰',
  group: 'Choices',
  description: 'Several choices from a list',
  editor: 'multiSelect',
  defaultOptions: () => ({ choices: [] }),
  format: (v) => (Array.isArray(v) ? v.join(', ') : ''),
  toText: (v) => (Array.isArray(v) ? v.join(', ') : ''),
  parse(t, f) {
    const parts = t
      .split(/[,;\n]/)
      .map((s) => s.trim())
      .filter(Boolean);
    const out: string[] = [];
    for (const p of parts) {
      const v = matchChoice(f, p);
      if (v === undefined) return { error: `"${p}" is not one of the choices` };
      if (!out.includes(v)) out.push(v);
    }
    return { value: out };
  },
});
