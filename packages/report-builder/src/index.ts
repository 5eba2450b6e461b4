/**
 * @tabula/report-builder: pivot specification → SQL → result grid with totals.
 * Depends on the schema engine's field expressions and WHERE builder, so that a report
 * sees exactly the records a list with the same filter and rights would.
 */
export * from './pivot.js';
