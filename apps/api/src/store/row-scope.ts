/**
 * Which records a read of the record store may see. Every read takes one, and there is no
 * "no scope": an absent or undefined scope never means every record.
 *
 * - `SYSTEM`: every record, whatever any user may read. For the engine's own reads only:
 *   computed values see all the data they depend on (ADR 0005, 0006), a write's rights
 *   check reads the stored rows it judges, links and cascades follow every record, a type
 *   change converts every record. The name at the call site says so.
 * - A rights scope, made by AccessService from a user's rules (ADR 0006): a filter tree
 *   compiled into the statement's WHERE clause by the same compiler as user filters.
 *   `filter` is null when the user's rules put no condition on the rows of the table.
 */
export interface SystemScope {
  readonly kind: 'system';
}

export interface RightsScope {
  readonly kind: 'rights';
  /** The rows the user's rules allow, as a filter tree; null: every row of the table. */
  readonly filter: unknown;
}

export type RowScope = SystemScope | RightsScope;

export const SYSTEM: SystemScope = Object.freeze({ kind: 'system' });

/** The scope of a user's rules: `filter` as the rights compiler gives it (undefined: no condition). */
export function rightsScope(filter: unknown): RightsScope {
  return { kind: 'rights', filter: filter ?? null };
}

/** A rights scope that matches no record (a table the user may not read at all). */
export const NO_ROWS: RightsScope = Object.freeze({ kind: 'rights', filter: { or: [] } });

/**
 * The filter tree for the SQL compilers (schema-engine's query module, report-builder),
 * which take "no condition" as undefined: SYSTEM and an unconditional rights scope alike.
 */
export function scopeFilter(scope: RowScope): unknown {
  return scope.kind === 'system' || scope.filter === null ? undefined : scope.filter;
}
