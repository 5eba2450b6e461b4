/**
 * Recursive-descent parser of the formula grammar, with the offset of every node:
 *
 *   expr       := concat (('=' | '<>' | '<' | '<=' | '>' | '>=') concat)*
 *   concat     := additive ('&' additive)*
 *   additive   := term (('+' | '-') term)*
 *   term       := unary (('*' | '/' | '%') unary)*
 *   unary      := ('-' | '+') unary | power
 *   power      := primary ('^' unary)?            right-associative; -2^2 = -(2^2)
 *   primary    := number | text | name | name '.' name | NAME '(' args ')' | '(' expr ')'
 *
 * A name is an identifier, or `{id}` in the stored form. Nothing else exists in the
 * grammar: no assignment, property chains, indexes, matrices, objects, ranges, units,
 * function definitions or calls of anything but a plain function name. The nesting depth
 * and node count are bounded while parsing, so a hostile input fails fast.
 */
import { formulaError } from './formula-error.js';
import { LIMITS } from './limits.js';
import type { Token, TokenType } from './tokenizer.js';

export type BinaryOp = '=' | '<>' | '<' | '<=' | '>' | '>=' | '&' | '+' | '-' | '*' | '/' | '%' | '^';

interface Span {
  pos: number;
  end: number;
}

export interface NameNode extends Span {
  kind: 'name';
  name: string;
  /** `{id}` of the stored form rather than an identifier. */
  isId: boolean;
}

export type RawNode =
  | (Span & { kind: 'num'; text: string })
  | (Span & { kind: 'str'; value: string })
  | NameNode
  | (Span & { kind: 'path'; object: NameNode; prop: NameNode })
  | (Span & { kind: 'call'; name: string; nameEnd: number; args: RawNode[] })
  | (Span & { kind: 'unary'; op: '-' | '+'; arg: RawNode })
  | (Span & { kind: 'binary'; op: BinaryOp; opPos: number; left: RawNode; right: RawNode });

const LEVELS: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['=', '<>', '<', '<=', '>', '>=']),
  new Set(['&']),
  new Set(['+', '-']),
  new Set(['*', '/', '%']),
];

const FORBIDDEN_NAMES = new Set(['constructor', 'prototype', '__proto__', '__definegetter__', '__lookupgetter__']);

export function parse(tokens: Token[]): RawNode {
  let i = 0;
  let depth = 0;
  let nodes = 0;

  const peek = (): Token => tokens[i]!;
  const next = (): Token => tokens[i++]!;
  const node = <T extends RawNode>(n: T): T => {
    if (++nodes > LIMITS.maxNodes) throw formulaError(n.pos, `the formula has more than ${LIMITS.maxNodes} parts`);
    return n;
  };
  const enter = (pos: number): void => {
    if (++depth > LIMITS.maxDepth) throw formulaError(pos, `the formula is nested deeper than ${LIMITS.maxDepth}`);
  };
  const expect = (type: TokenType, what: string): Token => {
    const t = peek();
    if (t.type !== type) throw unexpected(t, what);
    return next();
  };

  function binaryLevel(level: number): RawNode {
    if (level === LEVELS.length) return unary();
    let left = binaryLevel(level + 1);
    for (;;) {
      const t = peek();
      if (t.type !== 'op' || !LEVELS[level]!.has(t.value)) return left;
      next();
      const right = binaryLevel(level + 1);
      left = node({ kind: 'binary', op: t.value as BinaryOp, opPos: t.pos, left, right, pos: left.pos, end: right.end });
    }
  }

  function unary(): RawNode {
    const t = peek();
    if (t.type === 'op' && (t.value === '-' || t.value === '+')) {
      next();
      enter(t.pos);
      const arg = unary();
      depth--;
      return node({ kind: 'unary', op: t.value, arg, pos: t.pos, end: arg.end });
    }
    return power();
  }

  function power(): RawNode {
    const base = primary();
    const t = peek();
    if (t.type !== 'op' || t.value !== '^') return base;
    next();
    enter(t.pos);
    const exponent = unary();
    depth--;
    return node({ kind: 'binary', op: '^', opPos: t.pos, left: base, right: exponent, pos: base.pos, end: exponent.end });
  }

  function name(t: Token): NameNode {
    if (t.type === 'ident' && FORBIDDEN_NAMES.has(t.value.toLowerCase())) {
      throw formulaError(t.pos, `"${t.value}" is not allowed in a formula`);
    }
    return node({ kind: 'name', name: t.value, isId: t.type === 'fieldId', pos: t.pos, end: t.end });
  }

  function primary(): RawNode {
    const t = next();
    switch (t.type) {
      case 'num':
        return node({ kind: 'num', text: t.value, pos: t.pos, end: t.end });
      case 'str':
        return node({ kind: 'str', value: t.value, pos: t.pos, end: t.end });
      case '(': {
        enter(t.pos);
        const inner = binaryLevel(0);
        depth--;
        expect(')', 'a closing bracket ")"');
        return inner;
      }
      case 'ident':
      case 'fieldId': {
        if (peek().type === '(') {
          if (t.type !== 'ident') throw formulaError(t.pos, 'a field cannot be called');
          return call(t);
        }
        const object = name(t);
        if (peek().type !== '.') return object;
        next();
        const p = next();
        if (p.type !== 'ident' && p.type !== 'fieldId') throw unexpected(p, 'a field name after "."');
        const prop = name(p);
        if (peek().type === '.' || peek().type === '(') {
          throw formulaError(peek().pos, 'only one level of link.field is allowed; property access is not');
        }
        return node({ kind: 'path', object, prop, pos: object.pos, end: prop.end });
      }
      default:
        throw unexpected(t, 'a value, a field or a function');
    }
  }

  function call(t: Token): RawNode {
    if (FORBIDDEN_NAMES.has(t.value.toLowerCase())) throw formulaError(t.pos, `"${t.value}" is not allowed in a formula`);
    const open = next();
    enter(open.pos);
    const args: RawNode[] = [];
    if (peek().type !== ')') {
      for (;;) {
        args.push(binaryLevel(0));
        if (peek().type !== ',') break;
        next();
      }
    }
    depth--;
    const close = expect(')', 'a "," or a closing bracket ")"');
    if (peek().type === '(') throw formulaError(peek().pos, 'the result of a function cannot be called');
    return node({ kind: 'call', name: t.value, nameEnd: t.end, args, pos: t.pos, end: close.end });
  }

  function unexpected(t: Token, wanted: string): Error {
    if (t.type === 'eof') return formulaError(t.pos, `the formula ends too early: expected ${wanted}`);
    const shown = t.type === 'str' ? 'text' : `"${t.value}"`;
    return formulaError(t.pos, `unexpected ${shown}: expected ${wanted}`);
  }

  if (peek().type === 'eof') throw formulaError(0, 'the formula is empty');
  const root = binaryLevel(0);
  const rest = peek();
  if (rest.type !== 'eof') {
    const hint = rest.type === '(' ? ' (a value cannot be called)' : rest.type === ')' ? ' (unmatched bracket)' : '';
    throw formulaError(rest.pos, `unexpected "${rest.value}"${hint}`);
  }
  return root;
}
