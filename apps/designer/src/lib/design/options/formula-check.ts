/**
 * Live checking of a formula against `/api/formula/check` and the names offered while
 * typing. The function list mirrors @tabula/formula's library (FUNCTION_NAMES); the server's
 * check is the authority, so a name missing here only loses its completion.
 */
import { api, ApiError } from '../../api/client';

export const FUNCTIONS = ['ABS', 'AMOUNT', 'AND', 'AVG', 'BLANK', 'CEILING', 'CONCAT', 'CONVERT', 'COUNT', 'CURRENCY', 'DATE', 'DATEADD', 'DATEDIFF', 'DAY', 'EOMONTH', 'FALSE', 'FLOOR', 'IF', 'IFS', 'ISBLANK', 'LEFT', 'LEN', 'LOWER', 'MAX', 'MID', 'MIN', 'MOD', 'MONTH', 'NOT', 'NOW', 'OR', 'POWER', 'RIGHT', 'ROUND', 'ROUNDDOWN', 'ROUNDUP', 'SQRT', 'SUBSTITUTE', 'SUM', 'SWITCH', 'TEXT', 'TODAY', 'TRIM', 'TRUE', 'UPPER', 'VALUE', 'WEEKDAY', 'YEAR'];

export type CheckResult =
  | { ok: true; type: string; dependencies: string[]; currency?: string }
  | { ok: false; message: string; position: number | null; length: number }
  | { ok: null; message: string };

export async function checkFormula(table: string, expression: string, signal?: AbortSignal): Promise<CheckResult> {
  try {
    const r = await api.post<{ type: string; dependencies: string[]; currency?: string }>('/formula/check', { table, expression }, { quiet: true, signal });
    return { ok: true, type: r.type, dependencies: r.dependencies ?? [], currency: r.currency };
  } catch (e) {
    if (e instanceof ApiError && (e.code === 'FORMULA_ERROR' || e.code === 'CYCLE' || e.status === 422)) {
      const d = e.details ?? {};
      const position = typeof d.position === 'number' ? d.position : null;
      // underline the whole name or number that starts at the position
      const token = position === null ? '' : (/^([A-Za-z_][A-Za-z0-9_.]*|\d+(\.\d+)?|"[^"]*"?)/.exec(expression.slice(position))?.[0] ?? '');
      return { ok: false, message: d.message ?? e.message, position, length: typeof d.length === 'number' ? d.length : Math.max(1, token.length) };
    }
    if (e instanceof ApiError && e.status === 404) return { ok: null, message: 'Checking is not available on this server yet; the formula is checked when you save.' };
    throw e;
  }
}

/** The identifier being typed just before the caret, and where it starts. */
export function wordAt(text: string, caret: number): { word: string; start: number } {
  const m = /[A-Za-z_][A-Za-z0-9_.]*$/.exec(text.slice(0, caret));
  return m ? { word: m[0], start: caret - m[0].length } : { word: '', start: caret };
}
