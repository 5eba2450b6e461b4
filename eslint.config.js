/**
 * One linter for the whole repository (issue 13). Syntax-level TypeScript rules only —
 * the type checker runs separately (`npm run typecheck`), and type-aware lint rules
 * would double CI's time for little gain. The rules that keep the house in order:
 * - max-len 200 (prettier formats to 140; only unbreakable lines — long strings, URLs,
 *   SQL — may go past it) and a warning above 400 lines per file (CONVENTIONS.md 7);
 * - packages never import apps, and no code imports another package's internals;
 * - the import graph of apps/api is checked by scripts/check-deps.mjs (folder cycles and
 *   layers), which a lint rule cannot express;
 * - SQL over `record` and `audit_event` is written only in the API's two doors to them,
 *   apps/api/src/store/record-store.ts and audit-log.ts (and the migrations): a string or
 *   template that reads or writes either table anywhere else in apps/ is an error.
 *   Packages build SQL by design (schema-engine's query module, report-builder) and tests
 *   and the benchmark harness query the database directly, so they are outside the rule.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const RECORD_SQL = String.raw`/\b(FROM|INTO|UPDATE|JOIN)\s+(record|audit_event)\b/i`;
const RECORD_SQL_MESSAGE =
  'SQL over record or audit_event belongs in apps/api/src/store (RecordStore, AuditLog): the one door, with the workspace, the partition literal and a rights scope.';
const INTERNALS = { group: ['@tabula/*/src/**', '@tabula/*/dist/**'], message: 'Import a package by its name, not its files.' };

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/build/**',
      '**/.svelte-kit/**',
      '**/.turbo/**',
      'data/**',
      'tests/bench/results/**',
      '**/*.svelte',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      'max-len': ['error', { code: 200, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
      // refusing control characters (NUL, C0) in input is this codebase's job, not a mistake
      'no-control-regex': 'off',
    },
  },
  {
    files: ['apps/**/*.ts', 'tests/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [INTERNALS] }],
    },
  },
  {
    files: ['apps/**/*.ts'],
    ignores: ['apps/api/src/store/record-store.ts', 'apps/api/src/store/audit-log.ts', 'apps/api/src/database/migrations/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: `Literal[value=${RECORD_SQL}]`, message: RECORD_SQL_MESSAGE },
        { selector: `TemplateElement[value.raw=${RECORD_SQL}]`, message: RECORD_SQL_MESSAGE },
      ],
    },
  },
  {
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            INTERNALS,
            { group: ['@tabula/api', '@tabula/designer', '**/apps/**'], message: 'Packages never import apps (DESIGN.md "The layout").' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'tests/**'],
    rules: { 'max-lines': 'off' },
  },
);
