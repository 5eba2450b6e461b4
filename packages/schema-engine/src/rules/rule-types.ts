/**
 * Rights rules as data: a CASL rule `{action, subject, fields?, conditions?, inverted?}`.
 *
 * Two forms:
 * - the wire form names a table by its key and fields by their keys (what an administrator
 *   writes and reads);
 * - the stored form names a table by its id and fields by their ids, so renaming a table or
 *   a field rewrites no rule (`parseRules` and `rulesToWire` translate).
 *
 * Conditions are CASL's default Mongo subset (no `$and`/`$or`: CASL's matcher would
 * silently read them as field names, and the UI evaluates the same packed rules; several
 * `can` rules are OR'ed instead): `{key: value}` (equality) or `{key: {$op: value, …}}`
 * with $eq $ne $lt $lte $gt $gte $in $nin $exists. Keys are field keys or system fields.
 * Values are literals, or `"$me"` (the user's id), `"$me.<attribute>"`, `"$myGroups"`.
 */

export const RULE_ACTIONS = ['read', 'create', 'update', 'delete', 'export', 'manage'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

/** Subjects that are not tables. `menu:<item>` is also accepted. */
export const SPECIAL_SUBJECTS = ['all', 'reports', 'templates', 'settings'] as const;
export const MENU_SUBJECT_RE = /^menu:[a-z][a-z0-9_-]{0,62}$/;

export const CONDITION_OPS = ['$eq', '$ne', '$lt', '$lte', '$gt', '$gte', '$in', '$nin', '$exists'] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** System fields a condition may test (columns of `record`). */
export const CONDITION_SYSTEM_KEYS = ['id', 'owner', 'created_by', 'updated_by', 'created_at', 'updated_at', 'version'] as const;

export const ME = '$me';
export const MY_GROUPS = '$myGroups';
export const ME_ATTRIBUTE_RE = /^\$me\.([A-Za-z][A-Za-z0-9_]{0,62})$/;

export const MAX_RULES = 200;
export const MAX_RULE_CONDITIONS = 10;
export const MAX_RULE_VALUES = 200;
export const MAX_RULE_TEXT = 500;

export type ConditionScalar = string | number | boolean;
export type ConditionValue = ConditionScalar | ConditionScalar[];
/** `{key: value}` or `{key: {$op: value}}`; stored with field ids instead of keys. */
export type RuleConditions = Record<string, ConditionValue | Partial<Record<ConditionOp, ConditionValue>>>;

export interface WireRule {
  action: RuleAction;
  subject: string;
  fields?: string[];
  conditions?: RuleConditions;
  inverted?: boolean;
}

/** The same shape, with a table id for a table subject and field ids in fields and conditions. */
export type StoredRule = WireRule;

/** Who the rules are evaluated for: what `$me`, `$me.<attribute>` and `$myGroups` stand for. */
export interface RuleUser {
  id: string;
  attributes: Record<string, unknown>;
  /** Values `$myGroups` stands for (group ids and names). */
  groups: string[];
}

export function isSpecialSubject(subject: string): boolean {
  return (SPECIAL_SUBJECTS as readonly string[]).includes(subject) || MENU_SUBJECT_RE.test(subject);
}

export function isSystemConditionKey(key: string): boolean {
  return (CONDITION_SYSTEM_KEYS as readonly string[]).includes(key);
}

export function hasOwn(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Whether a rule's action covers `action` (`manage` covers every action). */
export function actionCovers(ruleAction: string, action: string): boolean {
  return ruleAction === action || ruleAction === 'manage';
}
