/**
 * Validates a whole configuration document before anything is written, against a model of
 * the workspace it describes: synthetic tables and fields (fresh ids, never stored) that
 * go through the very parsers the API uses — field definitions, formulas, layouts, filters,
 * rules — so what passes here applies, and every problem is reported with its key path.
 *
 * Phases (each throws its issues before the next runs, so one mistake is not reported
 * again as the many that follow from it):
 * 1. structure: format, version, unknown keys, `__proto__`/`constructor` anywhere, table
 *    and field keys, duplicates, field types, plain field options, links to tables of the
 *    document; inverse links are placed on their targets (keys filled in when absent);
 * 2. computed fields (config-computed.ts): formulas, lookups, rollups, cycles, the order;
 * 3. layouts, views and roles (config-extras.ts).
 * The result is the document in normal form (what GET /api/config would answer once it is
 * applied) and the order in which to create the computed fields.
 */
import {
  derivedKind,
  DomainError,
  getFieldType,
  hasFieldType,
  isReservedKey,
  KEY_RE,
  labelFromKey,
  parseFieldDefinition,
  parseTableDefinition,
  SOURCE_OPTIONS,
  uuidv7,
  validateKey,
  type FieldMeta,
  type TableMeta,
  type ValueContext,
} from '@tabula/schema-engine';
import {
  badIssue,
  CONFIG_FORMAT,
  CONFIG_VERSION,
  FORBIDDEN_KEYS,
  issueOf,
  LINK_OPTION_KEYS,
  MAX_DEPTH,
  MAX_FIELDS,
  MAX_TABLES,
  TABLE_KEYS,
  throwIssues,
  TOP_KEYS,
  unknownKeys,
  WORKSPACE_KEYS,
  type ConfigDocument,
  type ConfigField,
  type ConfigIssue,
  type ConfigTable,
  type WorkspaceSettings,
} from './config-doc.types.js';
import { isPlainObject } from '@tabula/schema-engine';
import { planComputed, type ComputedStep } from './config-computed.js';
import { validateExtras } from './config-extras.js';

export interface ConfigPlan {
  doc: ConfigDocument;
  /** Computed fields in dependency order: each reads only fields created before it. */
  computed: ComputedStep[];
}

/** The synthetic workspace the document describes. */
export interface ConfigModel {
  tables: TableMeta[];
  byKey: Map<string, TableMeta>;
  byId: (id: string) => TableMeta | undefined;
}

const FIELD_KEYS = ['key', 'label', 'type', 'options', 'required', 'unique', 'default', 'searchable'];
const bad = badIssue;

/** `__proto__`, `constructor` and `prototype` are refused as keys anywhere, and so is deep nesting. */
export function assertSafeDocument(value: unknown): void {
  const issues: ConfigIssue[] = [];
  const walk = (v: unknown, at: string, depth: number): void => {
    if (issues.length >= 20) return;
    if (depth > MAX_DEPTH) {
      issues.push(bad(at, `the document may nest at most ${MAX_DEPTH} levels`, 'TOO_DEEP'));
      return;
    }
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`, depth + 1));
    else if (typeof v === 'object' && v !== null) {
      if (!isPlainObject(v)) issues.push(bad(at, 'the document must be plain JSON', 'NOT_JSON'));
      for (const k of Object.keys(v)) {
        if (FORBIDDEN_KEYS.has(k)) issues.push(bad(`${at}.${k}`, `"${k}" is not allowed as a key`, 'FORBIDDEN_KEY'));
        else walk((v as Record<string, unknown>)[k], `${at}.${k.slice(0, 80)}`, depth + 1);
      }
    }
  };
  walk(value, '$', 0);
  throwIssues(issues);
}

function parseWorkspace(raw: unknown, issues: ConfigIssue[]): Partial<WorkspaceSettings> | undefined {
  if (raw === undefined) return undefined;
  if (!isPlainObject(raw)) {
    issues.push(bad('workspace', 'workspace must be an object {name, baseCurrency, timeZone, locale}'));
    return undefined;
  }
  unknownKeys(raw, WORKSPACE_KEYS, 'workspace', issues);
  const out: Partial<WorkspaceSettings> = {};
  if (raw.name !== undefined) {
    if (typeof raw.name === 'string' && raw.name.trim() && raw.name.length <= 200) out.name = raw.name.trim();
    else issues.push(bad('workspace.name', 'name is text of 1 to 200 characters'));
  }
  if (raw.baseCurrency !== undefined) {
    if (typeof raw.baseCurrency === 'string' && /^[A-Z]{3}$/.test(raw.baseCurrency)) out.baseCurrency = raw.baseCurrency;
    else issues.push(bad('workspace.baseCurrency', 'baseCurrency is an ISO 4217 code such as EUR', 'INVALID_CURRENCY'));
  }
  if (raw.timeZone !== undefined) {
    let ok = typeof raw.timeZone === 'string' && raw.timeZone.length <= 64;
    try {
      if (ok) new Intl.DateTimeFormat('en', { timeZone: raw.timeZone as string });
    } catch {
      ok = false;
    }
    if (ok) out.timeZone = raw.timeZone as string;
    else issues.push(bad('workspace.timeZone', 'timeZone is an IANA time zone such as Europe/Bucharest', 'INVALID_TIME_ZONE'));
  }
  if (raw.locale !== undefined) {
    let ok = typeof raw.locale === 'string' && raw.locale.length <= 20;
    try {
      if (ok) ok = Intl.getCanonicalLocales(raw.locale as string).length === 1;
    } catch {
      ok = false;
    }
    if (ok) out.locale = raw.locale as string;
    else issues.push(bad('workspace.locale', 'locale is a language tag such as en-GB', 'INVALID_LOCALE'));
  }
  return out;
}

interface PendingLink {
  table: TableMeta;
  field: FieldMeta;
  doc: ConfigField;
  target: TableMeta;
  inverseKey?: string;
  inverseLabel?: string;
  at: string;
}

/** Phase 1's state: the document's tables in normal form and the model they describe. */
interface Builder {
  ctx: ValueContext;
  issues: ConfigIssue[];
  tables: ConfigTable[];
  model: ConfigModel;
  ids: Map<string, TableMeta>;
  /** Computed fields' bodies as given, for phase 2. */
  bodies: Map<ConfigField, Record<string, unknown>>;
  links: PendingLink[];
  slot: number;
}

function newBuilder(ctx: ValueContext, issues: ConfigIssue[]): Builder {
  const ids = new Map<string, TableMeta>();
  return {
    ctx,
    issues,
    tables: [],
    model: { tables: [], byKey: new Map(), byId: (id) => ids.get(id) },
    ids,
    bodies: new Map(),
    links: [],
    slot: 1,
  };
}

/** The tables (key, label, primary field) in document order; their fields are read next. */
function parseTableHeads(b: Builder, raw: unknown[]): { doc: ConfigTable; meta: TableMeta; fields: unknown[]; at: string }[] {
  const out: { doc: ConfigTable; meta: TableMeta; fields: unknown[]; at: string }[] = [];
  raw.forEach((t, i) => {
    let at = `tables[${i}]`;
    if (!isPlainObject(t)) return void b.issues.push(bad(at, 'a table is an object {key, label, primaryField, fields}'));
    if (typeof t.key === 'string' && KEY_RE.test(t.key)) at = `tables.${t.key}`;
    unknownKeys(t, TABLE_KEYS, at, b.issues);
    let def;
    try {
      def = parseTableDefinition({ key: t.key, label: t.label, ...(t.primaryField !== undefined ? { primaryField: t.primaryField } : {}) });
    } catch (e) {
      return void b.issues.push(issueOf(at, e));
    }
    if (b.model.byKey.has(def.key)) return void b.issues.push(bad(at, `the table key "${def.key}" appears twice`, 'DUPLICATE'));
    const fields = t.fields ?? [];
    if (!Array.isArray(fields) || fields.length > MAX_FIELDS)
      return void b.issues.push(bad(`${at}.fields`, `fields must be an array of at most ${MAX_FIELDS} fields`));
    const meta: TableMeta = {
      id: uuidv7(),
      workspaceId: '',
      key: def.key,
      label: def.label,
      primaryFieldId: null,
      position: i,
      fields: [],
    };
    const doc: ConfigTable = { key: def.key, label: def.label, primaryField: def.primaryField, fields: [] };
    b.model.byKey.set(def.key, meta);
    b.ids.set(meta.id, meta);
    b.model.tables.push(meta);
    b.tables.push(doc);
    out.push({ doc, meta, fields, at });
  });
  return out;
}

/** One field: plain ones parsed as POST …/fields would; links to tables of the document; computed ones kept for phase 2. */
function parseField(b: Builder, doc: ConfigTable, meta: TableMeta, f: unknown, at: string): void {
  const { issues } = b;
  if (!isPlainObject(f)) return void issues.push(bad(at, 'a field is an object {key, label, type, options, …}'));
  if (typeof f.key === 'string' && KEY_RE.test(f.key)) at = at.replace(/\[\d+\]$/, `.${f.key}`);
  const before = issues.length;
  unknownKeys(f, FIELD_KEYS, at, issues);
  try {
    validateKey(f.key, 'field');
  } catch (e) {
    issues.push(issueOf(at, e));
  }
  if (typeof f.type !== 'string' || !hasFieldType(f.type)) {
    issues.push({
      at: `${at}.type`,
      code: 'VALIDATION_FAILED',
      message: `unknown field type ${JSON.stringify(String(f.type ?? '').slice(0, 40))}`,
      details: { type: { code: 'UNKNOWN_TYPE', message: 'not a field type' } },
    });
  }
  const opts = f.options === undefined || f.options === null ? {} : f.options;
  const kind = derivedKind({ type: String(f.type) });
  if (issues.length === before && (f.type === 'link' || kind)) {
    // a derived field carries only its sources; the engine fills the rest when applying
    if (!isPlainObject(opts)) issues.push(bad(`${at}.options`, 'options must be an object'));
    else unknownKeys(opts, kind ? SOURCE_OPTIONS[kind] : LINK_OPTION_KEYS, `${at}.options`, issues);
  }
  if (issues.length > before) return;
  const key = f.key as string;
  const type = f.type as string;
  const o = opts as Record<string, unknown>;
  if (meta.fields.some((x) => x.key === key))
    return void issues.push(bad(at, `the field key "${key}" appears twice in "${meta.key}"`, 'DUPLICATE'));
  const field: FieldMeta = {
    id: uuidv7(),
    tableId: meta.id,
    key,
    label: labelFromKey(key),
    type,
    slot: `f${b.slot++}`,
    options: {},
    required: false,
    unique: false,
    defaultValue: null,
    searchable: false,
    position: meta.fields.length,
  };

  if (kind) {
    // checked and typed in phase 2, in dependency order; until then of any type
    field.options = { resultType: 'any' };
    meta.fields.push(field);
    const out: ConfigField = {
      key,
      label: field.label,
      type,
      options: { ...o },
      required: false,
      unique: false,
      default: null,
      searchable: false,
    };
    doc.fields.push(out);
    b.bodies.set(out, f);
    return;
  }
  let body: Record<string, unknown> = f;
  let target: TableMeta | undefined;
  if (type === 'link') {
    target = typeof o.table === 'string' ? b.model.byKey.get(o.table) : undefined;
    if (!target) {
      return void issues.push({
        at: `${at}.options.table`,
        code: 'VALIDATION_FAILED',
        message: `the link's table ${JSON.stringify(String(o.table ?? '').slice(0, 60))} is not a table of the document`,
        details: { options: { code: 'UNKNOWN_TABLE', message: 'options.table must name a table of the document' } },
      });
    }
    body = {
      ...f,
      options: {
        table: target.id,
        ...(o.multiple !== undefined ? { multiple: o.multiple } : {}),
        ...(o.onDelete !== undefined ? { onDelete: o.onDelete } : {}),
      },
    };
    try {
      if (o.inverseKey !== undefined) validateKey(o.inverseKey, 'field');
    } catch (e) {
      return void issues.push(issueOf(`${at}.options.inverseKey`, e));
    }
    if (
      o.inverseLabel !== undefined &&
      (typeof o.inverseLabel !== 'string' ||
        !o.inverseLabel.trim() ||
        o.inverseLabel.length > 200 ||
        /[\u0000-\u001f]/.test(o.inverseLabel))
    ) {
      return void issues.push(bad(`${at}.options.inverseLabel`, 'inverseLabel is one line of 1 to 200 characters'));
    }
  }
  let def;
  try {
    def = parseFieldDefinition(body, 'create', undefined, b.ctx);
  } catch (e) {
    return void issues.push(issueOf(at, e));
  }
  if (def.unique && !getFieldType(def.type).canBeUnique)
    return void issues.push(bad(`${at}.unique`, `a ${def.type} field cannot be unique`, 'NOT_UNIQUE_CAPABLE'));
  Object.assign(field, {
    label: def.label,
    options: def.options,
    required: def.required,
    unique: def.unique,
    defaultValue: def.defaultValue,
    searchable: def.searchable,
  });
  meta.fields.push(field);
  const out: ConfigField = {
    key,
    label: def.label,
    type: def.type,
    options: def.options,
    required: def.required,
    unique: def.unique,
    default: def.defaultValue ?? null,
    searchable: def.searchable,
  };
  doc.fields.push(out);
  if (target)
    b.links.push({
      table: meta,
      field,
      doc: out,
      target,
      inverseKey: o.inverseKey as string | undefined,
      inverseLabel: typeof o.inverseLabel === 'string' ? o.inverseLabel.trim() : undefined,
      at,
    });
}

/**
 * The inverse of each link on its target, after every listed field (their keys win). An
 * absent inverseKey is chosen as TablesService would (the table's key, then `_2`, …) and
 * written into the document, so that applying it is deterministic.
 */
function placeInverses(b: Builder): void {
  for (const l of b.links) {
    const taken = new Set(l.target.fields.map((f) => f.key));
    let key = l.inverseKey;
    if (key === undefined) {
      key = l.table.key;
      for (let n = 2; taken.has(key) || isReservedKey(key); n++) key = `${l.table.key}_${n}`;
    } else if (taken.has(key)) {
      b.issues.push(
        bad(`${l.at}.options.inverseKey`, `"${l.target.key}" already has a field "${key}"; choose another inverseKey`, 'DUPLICATE'),
      );
      continue;
    }
    const label = l.inverseLabel ?? l.table.label;
    const inverse: FieldMeta = {
      id: uuidv7(),
      tableId: l.target.id,
      key,
      label,
      type: 'link',
      slot: `f${b.slot++}`,
      options: { table: l.table.id, multiple: true, onDelete: 'unlink', side: 'inverse', pair: l.field.id },
      required: false,
      unique: false,
      defaultValue: null,
      searchable: false,
      position: l.target.fields.length,
    };
    l.field.options = { ...l.field.options, side: 'primary', pair: inverse.id };
    l.target.fields.push(inverse);
    const { table: _t, side: _s, pair: _p, ...rest } = l.field.options;
    l.doc.options = { table: l.target.key, ...rest, inverseKey: key, inverseLabel: label };
  }
}

/** Phase 1: tables, plain fields and links into the model; computed fields as placeholders. */
function parseTables(raw: unknown, b: Builder): void {
  if (!Array.isArray(raw) || raw.length > MAX_TABLES)
    return void b.issues.push(bad('tables', `tables must be an array of at most ${MAX_TABLES} tables`));
  for (const { doc, meta, fields, at } of parseTableHeads(b, raw))
    fields.forEach((f, j) => parseField(b, doc, meta, f, `${at}.fields[${j}]`));
  placeInverses(b);
}

/** Phase 1 end: each primary field is a listed field that can name a record; an autonumber's date field exists. */
function checkFieldRefs(tables: ConfigTable[], issues: ConfigIssue[]): void {
  for (const t of tables) {
    for (const f of t.fields) {
      const dateField = f.type === 'autonumber' ? f.options.dateField : undefined;
      if (typeof dateField === 'string' && !t.fields.some((x) => x.key === dateField && (x.type === 'date' || x.type === 'dateTime'))) {
        issues.push(
          bad(
            `tables.${t.key}.fields.${f.key}.options.dateField`,
            `dateField "${dateField}" is not a date field of "${t.key}"`,
            'UNKNOWN_FIELD',
          ),
        );
      }
    }
    if (t.primaryField === null) continue;
    const f = t.fields.find((x) => x.key === t.primaryField);
    if (!f)
      issues.push({
        at: `tables.${t.key}.primaryField`,
        code: 'VALIDATION_FAILED',
        message: `primaryField "${t.primaryField}" is not a field of "${t.key}"`,
        details: { primaryField: { code: 'UNKNOWN_FIELD', message: 'must name one of the fields' } },
      });
    else if (!getFieldType(f.type).canBePrimary)
      issues.push(bad(`tables.${t.key}.primaryField`, `a ${f.type} field cannot be the primary field`, 'NOT_PRIMARY_CAPABLE'));
  }
}

/** Validates a document; throws DomainError (400, or 422 for formulas and cycles) naming every problem found. */
export function validateConfig(input: unknown, ctx: ValueContext): ConfigPlan {
  assertSafeDocument(input);
  const issues: ConfigIssue[] = [];
  if (!isPlainObject(input))
    throw new DomainError('VALIDATION_FAILED', 'Send a configuration document: a JSON object {"format":"tabula-config","version":1,…}', {
      body: { code: 'NOT_AN_OBJECT', message: 'must be an object' },
    });
  unknownKeys(input, TOP_KEYS, '$', issues);
  if (input.format !== CONFIG_FORMAT) issues.push(bad('format', `format must be "${CONFIG_FORMAT}"`, 'WRONG_FORMAT'));
  if (input.version !== CONFIG_VERSION) issues.push(bad('version', `version must be ${CONFIG_VERSION}`, 'UNSUPPORTED_VERSION'));
  for (const k of ['title', 'description'] as const) {
    if (input[k] !== undefined && (typeof input[k] !== 'string' || (input[k] as string).length > 2000)) issues.push(bad(k, `${k} is text`));
  }
  const workspace = parseWorkspace(input.workspace, issues);
  throwIssues(issues);
  const b = newBuilder(ctx, issues);
  parseTables(input.tables ?? [], b);
  checkFieldRefs(b.tables, issues);
  throwIssues(issues);

  const { tables, model } = b;
  const computed = planComputed(tables, model, b.bodies, ctx);
  const extras = validateExtras(input, model, ctx);
  const doc: ConfigDocument = {
    format: CONFIG_FORMAT,
    version: CONFIG_VERSION,
    ...(workspace ? { workspace } : {}),
    tables,
    layouts: extras.layouts,
    views: extras.views,
    ...(extras.roles ? { roles: extras.roles } : {}),
  };
  return { doc, computed };
}
