/**
 * The checker turns the parsed tree into a bound tree: every name is resolved against the
 * table's fields (by key in the display form, by id in the stored form) or the function
 * library, every node gets its static type, and the formula's dependencies, aggregates
 * over links and volatility are collected as data. It also records, for each name, its
 * display text (key) and storage text (`{id}`), from which compile.ts writes both forms.
 * Anything unknown or ill-typed is a FORMULA_ERROR at its offset; nothing is executed.
 */
import { dec, inRange } from './decimal.js';
import { formulaError } from './formula-error.js';
import { AGGREGATE_FUNCTIONS, FUNCTION_NAMES, lookupFunction } from './functions/library.js';
import type { FunctionSpec } from './functions/registry.js';
import type { BinaryOp, NameNode, RawNode } from './parser.js';
import { arithType, compareCheck, describe, fieldTypeInfo, T, unaryType } from './static-types.js';
import { suggest } from './suggest.js';
import type { AggregateFn, FormulaAggregate, FormulaFieldInfo, FormulaSchema, TypeInfo } from './types.js';
import { CellError, type Value } from './values.js';

export type Node =
  | { k: 'const'; t: TypeInfo; value: Value }
  | { k: 'field'; t: TypeInfo; id: string }
  | { k: 'agg'; t: TypeInfo; key: string; fn: AggregateFn; valueType: TypeInfo }
  | { k: 'call'; t: TypeInfo; fn: FunctionSpec; args: Node[] }
  | { k: 'unary'; t: TypeInfo; op: '-' | '+'; arg: Node }
  | { k: 'binary'; t: TypeInfo; op: BinaryOp; left: Node; right: Node };

export interface Rewrite {
  pos: number;
  end: number;
  display: string;
  stored: string;
}

export interface CheckResult {
  root: Node;
  dependencies: FormulaFieldInfo[];
  aggregates: FormulaAggregate[];
  volatile: boolean;
  rewrites: Rewrite[];
}

interface TableIndex {
  byKey: Map<string, FormulaFieldInfo>;
  byId: Map<string, FormulaFieldInfo>;
}

function index(schema: FormulaSchema): TableIndex {
  const byKey = new Map<string, FormulaFieldInfo>();
  const byId = new Map<string, FormulaFieldInfo>();
  for (const f of schema.fields) {
    if (!byKey.has(f.key)) byKey.set(f.key, f);
    if (!byId.has(f.id)) byId.set(f.id, f);
  }
  return { byKey, byId };
}

const SUMMABLE = new Set(['number', 'money', 'any']);
const ORDERED = new Set(['number', 'money', 'date', 'dateTime', 'any']);
const isArithmetic = (op: BinaryOp): boolean => ['+', '-', '*', '/', '%', '^'].includes(op);

export function check(raw: RawNode, schema: FormulaSchema, storedForm: boolean): CheckResult {
  const table = index(schema);
  const dependencies = new Map<string, FormulaFieldInfo>();
  const aggregates = new Map<string, FormulaAggregate>();
  const rewrites: Rewrite[] = [];
  let volatile = false;

  const deleted = (n: NameNode): Node => {
    rewrites.push({ pos: n.pos, end: n.end, display: '#REF!', stored: `{${n.name}}` });
    return { k: 'const', t: T.any, value: new CellError('#REF!', 'a field this formula uses was deleted') };
  };

  /** A field by key (display form) or id (stored form); null when a stored id no longer exists. */
  function resolve(n: NameNode, where: TableIndex, inLink?: string): FormulaFieldInfo | null {
    if (n.isId) return where.byId.get(n.name) ?? null;
    if (storedForm) throw formulaError(n.pos, `"${n.name}": the stored form names fields by {id}`);
    const f = where.byKey.get(n.name);
    if (f) return f;
    const place = inLink ? ` in the table linked by ${inLink}` : '';
    throw formulaError(
      n.pos,
      `unknown field "${n.name}"${place}${suggest(n.name, where.byKey.keys())}`,
      inLink ? `${inLink}.${n.name}` : n.name,
    );
  }

  function name(n: NameNode): Node {
    const upper = n.name.toUpperCase();
    if (!n.isId && (upper === 'TRUE' || upper === 'FALSE')) {
      const field = storedForm || n.name !== n.name.toLowerCase() ? undefined : table.byKey.get(n.name);
      if (!field) {
        rewrites.push({ pos: n.pos, end: n.end, display: upper, stored: upper });
        return { k: 'const', t: T.boolean, value: upper === 'TRUE' };
      }
    }
    const f = resolve(n, table);
    if (f === null) return deleted(n);
    const t = fieldTypeInfo(f);
    if (t === 'link') {
      throw formulaError(n.pos, `${f.key} is a link: use COUNT(${f.key}) or SUM(${f.key}.field)`);
    }
    rewrites.push({ pos: n.pos, end: n.end, display: f.key, stored: `{${f.id}}` });
    dependencies.set(f.id, f);
    return { k: 'field', t, id: f.id };
  }

  function aggregate(fn: AggregateFn, arg: NameNode | Extract<RawNode, { kind: 'path' }>): Node {
    const linkName = arg.kind === 'path' ? arg.object : arg;
    const link = resolve(linkName, table);
    if (link === null) return deleted(linkName);
    if (link.formulaType.type !== 'link') {
      throw formulaError(linkName.pos, `${link.key} is not a link field: ${fn}(link.field) aggregates over linked records`);
    }
    if (!link.linkTable) throw formulaError(linkName.pos, `the table linked by ${link.key} is unknown`);
    rewrites.push({ pos: linkName.pos, end: linkName.end, display: link.key, stored: `{${link.id}}` });
    dependencies.set(link.id, link);
    let field: FormulaFieldInfo | null = null;
    let valueType: TypeInfo = T.number;
    if (arg.kind === 'name') {
      if (fn !== 'COUNT') throw formulaError(arg.pos, `${fn} needs a field of the linked table: ${fn}(${link.key}.field)`);
    } else {
      field = resolve(arg.prop, index(link.linkTable), link.key);
      if (field === null) return deleted(arg.prop);
      const ft = fieldTypeInfo(field);
      if (ft === 'link') throw formulaError(arg.prop.pos, 'aggregates over links of links are not supported');
      const allowed = fn === 'SUM' || fn === 'AVG' ? SUMMABLE : fn === 'COUNT' ? null : ORDERED;
      if (allowed && !allowed.has(ft.type)) {
        throw formulaError(arg.prop.pos, `${fn} cannot aggregate ${field.key} (${describe(ft)})`);
      }
      valueType = ft;
      rewrites.push({ pos: arg.prop.pos, end: arg.prop.end, display: field.key, stored: `{${field.id}}` });
    }
    const key = `${fn}:${link.id}:${field?.id ?? '*'}`;
    if (!aggregates.has(key)) aggregates.set(key, { key, linkFieldId: link.id, fieldId: field?.id ?? null, fn });
    return { k: 'agg', t: fn === 'COUNT' ? T.number : valueType, key, fn, valueType };
  }

  function isLinkArg(a: RawNode | undefined): a is NameNode | Extract<RawNode, { kind: 'path' }> {
    if (!a) return false;
    if (a.kind === 'path') return true;
    if (a.kind !== 'name') return false;
    const f = a.isId ? table.byId.get(a.name) : storedForm ? undefined : table.byKey.get(a.name);
    return f?.formulaType.type === 'link';
  }

  function call(n: Extract<RawNode, { kind: 'call' }>): Node {
    const spec = lookupFunction(n.name);
    if (!spec) throw formulaError(n.pos, `unknown function "${n.name}"${suggest(n.name, FUNCTION_NAMES)}`);
    rewrites.push({ pos: n.pos, end: n.nameEnd, display: spec.name, stored: spec.name });
    if (AGGREGATE_FUNCTIONS.has(spec.name) && n.args.length === 1 && isLinkArg(n.args[0])) {
      return aggregate(spec.name as AggregateFn, n.args[0]);
    }
    if (n.args.length < spec.min || n.args.length > spec.max) {
      const range = spec.min === spec.max ? `${spec.min}` : spec.max > 100 ? `at least ${spec.min}` : `${spec.min} to ${spec.max}`;
      throw formulaError(n.pos, `${spec.name} takes ${range} argument${spec.max === 1 ? '' : 's'}, got ${n.args.length}`);
    }
    const args = n.args.map(bind);
    const t = spec.type({
      name: spec.name,
      args: args.map((a) => a.t),
      nodes: n.args,
      fail: (i, message) => {
        throw formulaError(i === null ? n.pos : n.args[i]!.pos, message);
      },
    });
    if (spec.volatile) volatile = true;
    return { k: 'call', t, fn: spec, args };
  }

  function bind(n: RawNode): Node {
    switch (n.kind) {
      case 'num': {
        const value = dec(n.text);
        if (!inRange(value)) throw formulaError(n.pos, 'number out of range');
        return { k: 'const', t: T.number, value };
      }
      case 'str':
        return { k: 'const', t: T.text, value: n.value };
      case 'name':
        return name(n);
      case 'path':
        throw formulaError(n.pos, 'link.field is only allowed as the one argument of SUM, AVG, COUNT, MIN or MAX');
      case 'call':
        return call(n);
      case 'unary': {
        const arg = bind(n.arg);
        const t = unaryType(arg.t);
        if (typeof t === 'string') throw formulaError(n.pos, t);
        return { k: 'unary', t, op: n.op, arg };
      }
      case 'binary': {
        const left = bind(n.left);
        const right = bind(n.right);
        let t: TypeInfo | string;
        if (n.op === '&') t = T.text;
        else if (isArithmetic(n.op)) t = arithType(n.op, left.t, right.t);
        else t = compareCheck(left.t, right.t) ?? T.boolean;
        if (typeof t === 'string') throw formulaError(n.opPos, t);
        return { k: 'binary', t, op: n.op, left, right };
      }
    }
  }

  const root = bind(raw);
  return { root, dependencies: [...dependencies.values()], aggregates: [...aggregates.values()], volatile, rewrites };
}
