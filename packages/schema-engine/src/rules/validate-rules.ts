/**
 * Rules as an administrator sends them → their stored form, and back.
 *
 * Validation refuses, naming the rule's index (`details["rules[2]"]`): unknown keys
 * (`__proto__`, `constructor` included), unknown actions and subjects, fields that are not
 * fields of the subject table, `fields` together with `conditions` (v1), conditions on a
 * subject that has no rows, unknown keys and operators in conditions, operators a field's
 * type does not support, and values that are not valid operands for the field (checked by
 * the field registry, like a user filter's values). A text beginning with `$` is reserved
 * for `$me`, `$me.<attribute>` and `$myGroups`.
 */
import { DomainError } from '../errors.js';
import type { TableMeta, ValueContext } from '../types.js';
import { isUuid } from '../uuid.js';
import { liveRules } from './live-rules.js';
import { opAllowed, operandOk, targetOfStoredKey, targetOfWireKey, type ConditionTarget } from './condition-target.js';
import {
  CONDITION_OPS,
  hasOwn,
  isSpecialSubject,
  ME,
  ME_ATTRIBUTE_RE,
  MAX_RULE_CONDITIONS,
  MAX_RULE_TEXT,
  MAX_RULE_VALUES,
  MAX_RULES,
  MY_GROUPS,
  RULE_ACTIONS,
  type ConditionOp,
  type RuleAction,
  type RuleConditions,
  type StoredRule,
  type WireRule,
} from './rule-types.js';
import { isPlainObject } from '../plain-object.js';

const RULE_KEYS = ['action', 'subject', 'fields', 'conditions', 'inverted'];

class RuleIssue extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const issue = (code: string, message: string) => new RuleIssue(code, message);

/** Validates a rule list and returns it in stored form (table and field ids). */
export function parseRules(raw: unknown, tables: readonly TableMeta[], ctx: ValueContext): StoredRule[] {
  if (!Array.isArray(raw))
    throw new DomainError('VALIDATION_FAILED', 'rules must be an array', { rules: { code: 'NOT_A_LIST', message: 'an array of rules' } });
  if (raw.length > MAX_RULES)
    throw new DomainError('VALIDATION_FAILED', `A role holds at most ${MAX_RULES} rules`, {
      rules: { code: 'TOO_MANY_RULES', message: `at most ${MAX_RULES}` },
    });
  const out: StoredRule[] = [];
  const details: Record<string, { code: string; message: string }> = {};
  raw.forEach((r, i) => {
    try {
      out.push(parseRule(r, tables, ctx));
    } catch (e) {
      if (!(e instanceof RuleIssue)) throw e;
      details[`rules[${i}]`] = { code: e.code, message: e.message };
    }
  });
  const first = Object.entries(details)[0];
  if (first) throw new DomainError('VALIDATION_FAILED', `Invalid rule ${first[0].slice(6, -1)}: ${first[1].message}`, details);
  return out;
}

function parseRule(raw: unknown, tables: readonly TableMeta[], ctx: ValueContext): StoredRule {
  if (!isPlainObject(raw)) throw issue('NOT_AN_OBJECT', 'a rule is an object {action, subject, fields?, conditions?, inverted?}');
  for (const k of Object.keys(raw)) {
    if (!RULE_KEYS.includes(k))
      throw issue('UNKNOWN_KEY', `unknown key ${JSON.stringify(k.slice(0, 40))}; allowed: ${RULE_KEYS.join(', ')}`);
  }
  const action = raw.action;
  if (typeof action !== 'string' || !(RULE_ACTIONS as readonly string[]).includes(action))
    throw issue('INVALID_ACTION', `action must be one of ${RULE_ACTIONS.join(', ')}`);
  if (raw.inverted !== undefined && typeof raw.inverted !== 'boolean') throw issue('INVALID_INVERTED', 'inverted must be true or false');
  const subjectRaw = raw.subject;
  if (typeof subjectRaw !== 'string' || subjectRaw.length === 0 || subjectRaw.length > 200)
    throw issue('INVALID_SUBJECT', 'subject must be a table key, all, reports, templates, settings or menu:<item>');
  let table: TableMeta | undefined;
  let subject = subjectRaw;
  if (!isSpecialSubject(subjectRaw)) {
    table =
      tables.find((t) => t.key === subjectRaw) ?? (isUuid(subjectRaw) ? tables.find((t) => t.id === subjectRaw.toLowerCase()) : undefined);
    if (!table)
      throw issue(
        'UNKNOWN_SUBJECT',
        `unknown subject ${JSON.stringify(subjectRaw.slice(0, 80))}: a table key, all, reports, templates, settings or menu:<item>`,
      );
    subject = table.id;
  }
  const rule: StoredRule = { action: action as RuleAction, subject };
  if (raw.fields !== undefined) rule.fields = parseFields(raw.fields, table);
  if (raw.conditions !== undefined) {
    const conditions = parseConditions(raw.conditions, table, subject, ctx);
    if (Object.keys(conditions).length) rule.conditions = conditions;
  }
  if (rule.fields && rule.conditions)
    throw issue('FIELDS_AND_CONDITIONS', 'a rule carries fields or conditions, not both (write two rules)');
  if (raw.inverted === true) rule.inverted = true;
  return rule;
}

function parseFields(raw: unknown, table: TableMeta | undefined): string[] {
  if (!table) throw issue('FIELDS_NEED_TABLE', 'fields apply to a table subject only');
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 500)
    throw issue('INVALID_FIELDS', 'fields must be a non-empty array of field keys');
  const ids: string[] = [];
  for (const k of raw) {
    const f = typeof k === 'string' ? table.fields.find((x) => x.key === k || x.id === k) : undefined;
    if (!f) throw issue('UNKNOWN_FIELD', `unknown field ${JSON.stringify(String(k).slice(0, 80))} in fields`);
    if (!ids.includes(f.id)) ids.push(f.id);
  }
  return ids;
}

function parseConditions(raw: unknown, table: TableMeta | undefined, subject: string, ctx: ValueContext): RuleConditions {
  if (!table && subject !== 'all') throw issue('CONDITIONS_NEED_TABLE', 'conditions apply to a table subject or all only');
  if (!isPlainObject(raw)) throw issue('INVALID_CONDITIONS', 'conditions must be an object {field: value} or {field: {$op: value}}');
  const out: RuleConditions = {};
  let count = 0;
  for (const key of Object.keys(raw)) {
    if (key.startsWith('$'))
      throw issue(
        'UNKNOWN_OPERATOR',
        `unsupported operator ${JSON.stringify(key.slice(0, 40))} at the top of conditions (several rules are OR'ed; $and/$or are not supported)`,
      );
    const target = targetOfWireKey(table, key);
    if (!target) {
      throw issue(
        'UNKNOWN_FIELD',
        table
          ? `unknown field ${JSON.stringify(key.slice(0, 80))} in conditions`
          : `only system fields (owner, created_by, …) may be tested when the subject is all, not ${JSON.stringify(key.slice(0, 80))}`,
      );
    }
    const value = raw[key];
    const ops: [string, unknown][] = isPlainObject(value) ? Object.entries(value) : [['$eq', value]];
    if (ops.length === 0) throw issue('INVALID_CONDITIONS', `no operator for ${JSON.stringify(key)}`);
    const stored: Partial<Record<ConditionOp, unknown>> = {};
    for (const [op, v] of ops) {
      if (!(CONDITION_OPS as readonly string[]).includes(op))
        throw issue(
          'UNKNOWN_OPERATOR',
          `unknown operator ${JSON.stringify(op.slice(0, 40))} for ${JSON.stringify(key)}; allowed: ${CONDITION_OPS.join(' ')}`,
        );
      if (++count > MAX_RULE_CONDITIONS) throw issue('TOO_MANY_CONDITIONS', `a rule holds at most ${MAX_RULE_CONDITIONS} conditions`);
      stored[op as ConditionOp] = checkOperand(target, op as ConditionOp, v, ctx);
    }
    const storedKey = target.kind === 'system' ? key : target.field.id;
    out[storedKey] = isPlainObject(value) ? (stored as RuleConditions[string]) : (stored.$eq as RuleConditions[string]);
  }
  return out;
}

function checkOperand(t: ConditionTarget, op: ConditionOp, v: unknown, ctx: ValueContext): unknown {
  if (!opAllowed(t, op))
    throw issue(
      'INVALID_OPERATOR',
      `${op} does not apply to ${t.kind === 'field' ? `${t.field.type} field` : 'system field'} ${JSON.stringify(t.key)}`,
    );
  if (op === '$exists') {
    if (typeof v !== 'boolean') throw issue('INVALID_VALUE', `$exists takes true or false (${JSON.stringify(t.key)})`);
    return v;
  }
  if (op === '$in' || op === '$nin') {
    if (typeof v === 'string' && (v === MY_GROUPS || ME_ATTRIBUTE_RE.test(v))) return v;
    if (!Array.isArray(v) || v.length > MAX_RULE_VALUES)
      throw issue(
        'INVALID_VALUE',
        `${op} takes an array of at most ${MAX_RULE_VALUES} values, "$myGroups" or "$me.<attribute>" (${JSON.stringify(t.key)})`,
      );
    v.forEach((x) => checkScalar(t, op, x, ctx, false));
    return [...v];
  }
  checkScalar(t, op, v, ctx, op === '$eq' || op === '$ne');
  return v;
}

function checkScalar(t: ConditionTarget, op: ConditionOp, v: unknown, ctx: ValueContext, groupsAllowed: boolean): void {
  const where = `${op} of ${JSON.stringify(t.key)}`;
  if (v === null || v === undefined) throw issue('INVALID_VALUE', `${where}: null is not a value; use {"$exists": false}`);
  if (Array.isArray(v)) throw issue('INVALID_VALUE', `${where}: a list needs $in or $nin`);
  if (typeof v === 'string') {
    if (v.length > MAX_RULE_TEXT) throw issue('INVALID_VALUE', `${where}: at most ${MAX_RULE_TEXT} characters`);
    if (v.startsWith('$')) {
      if (v === ME || ME_ATTRIBUTE_RE.test(v) || (groupsAllowed && v === MY_GROUPS)) return;
      throw issue(
        'INVALID_VALUE',
        `${where}: ${JSON.stringify(v.slice(0, 40))} is not "$me", "$me.<attribute>" or "$myGroups"${v === MY_GROUPS ? ' here' : ''}`,
      );
    }
  }
  if (typeof v === 'number' && !Number.isFinite(v)) throw issue('INVALID_VALUE', `${where}: not a finite number`);
  if (!operandOk(t, v, ctx))
    throw issue('INVALID_VALUE', `${where}: ${JSON.stringify(String(v).slice(0, 60))} is not a valid value for this field`);
}

/**
 * Stored rules → wire form (table and field keys), as the gate enforces them: references
 * to deleted tables and fields are resolved away (live-rules.ts), so the answer parses back.
 */
export function rulesToWire(rules: readonly StoredRule[], tables: readonly TableMeta[]): WireRule[] {
  return liveRules(rules, tables).map((r) => {
    const table = tables.find((t) => t.id === r.subject);
    const out: WireRule = { action: r.action, subject: table ? subjectKey(table) : r.subject };
    if (r.fields) out.fields = r.fields.map((id) => table?.fields.find((f) => f.id === id)?.key ?? id);
    if (r.conditions) {
      const c: RuleConditions = {};
      for (const [k, v] of Object.entries(r.conditions)) {
        const t = targetOfStoredKey(table, k);
        const key = t?.key ?? k;
        if (!hasOwn(c, key)) c[key] = v;
      }
      out.conditions = c;
    }
    if (r.inverted) out.inverted = true;
    return out;
  });
}

/** A table's name in wire rules: its key, or its id when the key is also a special subject. */
export function subjectKey(table: TableMeta): string {
  return isSpecialSubject(table.key) ? table.id : table.key;
}
