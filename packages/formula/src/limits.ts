/** Hard limits of the formula language; each one has a regression test in security.spec.ts. */
export const LIMITS = {
  /** Characters in an expression; longer fails before it is tokenised. */
  maxLength: 10_000,
  /** Nodes in the syntax tree. */
  maxNodes: 2_000,
  /** Nesting of brackets, calls and unary operators. */
  maxDepth: 100,
  /** |exponent| of `^` and POWER. */
  maxExponent: 1_000,
  /** Decimal exponent of any number a formula produces (|x| < 10^maxMagnitude). */
  maxMagnitude: 1_000,
  /** Characters in any text value a formula produces. */
  maxTextLength: 100_000,
  /** Internal precision (significant digits) of the decimal arithmetic. */
  precision: 34,
  /** Significant digits of a number when it is observed (result, comparison, rounding, text). */
  resultDigits: 20,
} as const;
