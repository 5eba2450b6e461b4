/**
 * @tabula/report-builder: pivot specification → SQL → result grid with totals.
 * The pivot engine arrives with the reports issue; this package exists so that the
 * dependency direction (schema-engine ← formula ← report-builder ← apps) is fixed now.
 */
export const REPORT_BUILDER_VERSION = 0;
