/** Rights rules: validation, stored ↔ wire form, compilation to a row scope, CASL rules for the UI. */
export * from './rule-types.js';
export * from './condition-target.js';
export * from './validate-rules.js';
export * from './live-rules.js';
export * from './rules-after-removal.js';
export * from './resolve-conditions.js';
export * from './compile-rules.js';
export * from './casl-rules.js';
export * from './row-check.js';
export * from './derived-read.js';
