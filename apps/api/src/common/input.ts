/**
 * The input layer: every request body the API reads is declared once, as a JSON Schema
 * beside its controller (`<feature>.dto.ts`, written with TypeBox), and checked here, in
 * one place, before the handler runs. The same schema is the request body of the route in
 * the OpenAPI document (/api/docs/json), so the description cannot drift from the check.
 *
 *     @Post('formula/check')
 *     check(@Input(FormulaCheckBody) body: Static<typeof FormulaCheckBody>) { … }
 *
 * A schema checks the envelope — that the body is an object, which keys it has, the types
 * of its scalars — and says, with `x-` annotations (OpenAPI extensions, ignored by
 * clients), how a refusal reads, so every route answers exactly as it did when it checked
 * by hand: 400 VALIDATION_FAILED in the error form with details per field. What a value
 * means (a record's `data` against the table's fields, a filter, a rule, a password's
 * strength) stays with schema-engine and the services, which know the table and the user.
 *
 * Annotations (all optional):
 * - `x-send`: the message of a refusal ("Send {table, expression}").
 * - `x-refuse`: `{message?, details}`, the one answer for any malformed envelope (routes
 *   whose hand check never told one fault from another).
 * - `x-not-object`: the details when the body is not an object at all.
 * - `x-unexpected`: `{message, where?}`, how a key the schema does not list is refused
 *   (with `additionalProperties: false`): `Unexpected property "k" in <where>`, the first such key.
 * - `x-error` on a property: `{code, message, text?}`, the detail under that property's
 *   name (and `text`, the refusal's message when it is the first fault).
 * - `x-optional` on the root: an absent body (or JSON `null`) passes as `undefined`.
 */
import { Body, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { DomainError, isPlainObject } from '@tabula/schema-engine';

interface Detail {
  code: string;
  message: string;
}

interface PropertyError extends Detail {
  text?: string;
}

/** The annotations a body schema may carry (see above). */
export interface InputAnnotations {
  'x-send'?: string;
  'x-refuse'?: { message?: string; details?: Record<string, Detail> };
  'x-not-object'?: Record<string, Detail>;
  'x-unexpected'?: { message: string; where?: string };
  'x-optional'?: boolean;
}

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true });
for (const keyword of ['x-send', 'x-refuse', 'x-not-object', 'x-unexpected', 'x-error', 'x-optional']) ajv.addKeyword(keyword);

const compiled = new WeakMap<TSchema, ValidateFunction>();

function validatorOf(schema: TSchema): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) compiled.set(schema, (v = ajv.compile(schema)));
  return v;
}

/** `/records/0/id` → `records[0].id`; the root is `body`. */
function fieldOf(e: ErrorObject): string {
  const parts = e.instancePath.split('/').slice(1);
  if (e.keyword === 'required') parts.push(String((e.params as { missingProperty: string }).missingProperty));
  if (!parts.length) return 'body';
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i ? `.${p}` : p)).join('');
}

/** The `x-error` of the property an error is about (a missing one: looked up in the parent's properties). */
function ownError(e: ErrorObject): PropertyError | undefined {
  const parent = e.parentSchema as { 'x-error'?: PropertyError; properties?: Record<string, { 'x-error'?: PropertyError }> } | undefined;
  if (e.keyword !== 'required') return parent?.['x-error'];
  return parent?.properties?.[(e.params as { missingProperty: string }).missingProperty]?.['x-error'];
}

function detailOf(e: ErrorObject): PropertyError {
  const own = ownError(e);
  if (own) return own;
  if (e.keyword === 'required') return { code: 'REQUIRED', message: 'is required' };
  if (e.keyword === 'type') return { code: 'INVALID_TYPE', message: `must be ${String((e.params as { type: string }).type)}` };
  return { code: 'INVALID', message: e.message ?? 'is not valid' };
}

/**
 * The refusal of a body that does not match its schema, in the words the route always used:
 * the body itself first, then a key it may not have, then the first property at fault.
 */
export function refusal(schema: TSchema & InputAnnotations, errors: readonly ErrorObject[], body: unknown): DomainError {
  const send = schema['x-send'] ?? 'The request body is malformed';
  const refuse = schema['x-refuse'];
  if (refuse) return new DomainError('VALIDATION_FAILED', refuse.message ?? send, refuse.details);
  if (!isPlainObject(body)) return new DomainError('VALIDATION_FAILED', send, schema['x-not-object']);
  const unexpected = schema['x-unexpected'];
  const extra = errors.find((e) => e.keyword === 'additionalProperties' && e.instancePath === '');
  if (extra) {
    const key = String((extra.params as { additionalProperty: string }).additionalProperty).slice(0, 40);
    const where = unexpected?.where ? ` in ${unexpected.where}` : '';
    return new DomainError('VALIDATION_FAILED', `Unexpected property "${key}"${where}`, {
      [key]: { code: 'UNEXPECTED', message: unexpected?.message ?? 'not allowed here' },
    });
  }
  const first = errors[0]!;
  const { text, ...detail } = detailOf(first);
  return new DomainError('VALIDATION_FAILED', text ?? send, { [fieldOf(first)]: detail });
}

/** Checks a value against a body schema: the value itself, or the refusal thrown. */
export function checkInput<T>(schema: TSchema & InputAnnotations, body: unknown): T {
  if (schema['x-optional'] && (body === undefined || body === null)) return undefined as T;
  const validate = validatorOf(schema);
  if (!validate(body)) throw refusal(schema, validate.errors ?? [], body);
  return body as T;
}

class InputPipe implements PipeTransform {
  constructor(private readonly schema: TSchema) {}
  transform(value: unknown, _meta: ArgumentMetadata): unknown {
    return checkInput(this.schema, value);
  }
}

/**
 * The request body, checked against `schema`, and `schema` as the route's request body in
 * the OpenAPI document. Compiled once, when the controller is loaded.
 */
export function Input(schema: TSchema & InputAnnotations): ParameterDecorator {
  validatorOf(schema);
  const body = Body(new InputPipe(schema));
  return (target, key, index) => {
    body(target, key, index);
    const descriptor = Object.getOwnPropertyDescriptor(target, key!)!;
    ApiBody({ schema: schema as never, required: !schema['x-optional'] })(target, key!, descriptor);
  };
}
