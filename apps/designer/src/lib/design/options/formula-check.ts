/**
 * Live checking of a formula against `/api/formula/check`, its value on a real record from
 * `/api/formula/preview`, and the function names offered while typing, read once from
 * `/api/formula/functions` (the server's library is the only list).
 */
import { api, ApiError, isMissingEndpoint } from '../../api/client';
import { features } from '../../state/features.svelte';

let functionList: Promise<string[]> | null = null;

/** The formula functions the server knows, sorted; empty when it cannot tell. */
export function formulaFunctions(): Promise<string[]> {
  functionList ??= features
    .load()
    .then(() =>
      features.has('/api/formula/functions') ? api.get<{ items: string[] }>('/formula/functions', { quiet: true }) : { items: [] },
    )
    .then((r) => [...new Set((r.items ?? []).filter((n) => typeof n === 'string'))].sort())
    .catch(() => {
      functionList = null; // try again next time
      return [];
    });
  return functionList;
}

export type CheckResult =
  | { ok: true; type: string; dependencies: string[]; currency?: string }
  | { ok: false; message: string; position: number | null; length: number }
  | { ok: null; message: string };

export async function checkFormula(table: string, expression: string, signal?: AbortSignal): Promise<CheckResult> {
  try {
    const r = await api.post<{ type: string; dependencies: string[]; currency?: string }>(
      '/formula/check',
      { table, expression },
      { quiet: true, signal },
    );
    return { ok: true, type: r.type, dependencies: r.dependencies ?? [], currency: r.currency };
  } catch (e) {
    if (e instanceof ApiError && (e.code === 'FORMULA_ERROR' || e.code === 'CYCLE' || e.status === 422)) {
      const d = e.details ?? {};
      const position = typeof d.position === 'number' ? d.position : null;
      // underline the whole name or number that starts at the position
      const token =
        position === null ? '' : (/^([A-Za-z_][A-Za-z0-9_.]*|\d+(\.\d+)?|"[^"]*"?)/.exec(expression.slice(position))?.[0] ?? '');
      return {
        ok: false,
        message: d.message ?? e.message,
        position,
        length: typeof d.length === 'number' ? d.length : Math.max(1, token.length),
      };
    }
    if (e instanceof ApiError && e.status === 404)
      return { ok: null, message: 'Checking is not available on this server yet; the formula is checked when you save.' };
    throw e;
  }
}

export type PreviewResult = { ok: true; value: unknown } | { ok: false; message: string; missing?: boolean };

/** The formula's value on one record (`recordId`), or on a blank record; nothing is saved. */
export async function previewFormula(
  table: string,
  expression: string,
  recordId: string | null,
  signal?: AbortSignal,
): Promise<PreviewResult> {
  try {
    const r = await api.post<{ value: unknown }>(
      '/formula/preview',
      { table, expression, ...(recordId ? { recordId } : {}) },
      { quiet: true, signal },
    );
    return { ok: true, value: r.value ?? null };
  } catch (e) {
    if (isMissingEndpoint(e) && !recordId) return { ok: false, message: 'Previews are not available on this server.', missing: true };
    if (e instanceof ApiError && e.status === 404)
      return { ok: false, message: 'That record is gone (deleted or not yours to read); choose another one.' };
    if (e instanceof ApiError && (e.status === 422 || e.status === 400)) return { ok: false, message: e.details?.message ?? e.message };
    throw e;
  }
}

/** The identifier being typed just before the caret, and where it starts. */
export function wordAt(text: string, caret: number): { word: string; start: number } {
  const m = /[A-Za-z_][A-Za-z0-9_.]*$/.exec(text.slice(0, caret));
  return m ? { word: m[0], start: caret - m[0].length } : { word: '', start: caret };
}
