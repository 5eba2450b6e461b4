/**
 * The input layer's refusals, without HTTP: which fault speaks first (the body itself, then
 * an unknown key, then the first property at fault) and how the `x-` annotations word it.
 */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Type } from '@sinclair/typebox';
import { DomainError } from '@tabula/schema-engine';
import { checkInput } from './input.js';

const Body = Type.Object(
  {
    name: Type.String({ 'x-error': { code: 'INVALID_NAME', message: 'text', text: 'name must be text' } }),
    count: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false, 'x-send': 'Send {name, count?}', 'x-unexpected': { message: 'allowed: name, count', where: 'the thing' } },
);

function refused(schema: Parameters<typeof checkInput>[0], body: unknown) {
  try {
    checkInput(schema, body);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    const d = e as DomainError;
    return { code: d.code, message: d.message, details: d.details };
  }
  throw new Error('accepted');
}

describe('checkInput', () => {
  it('passes a matching body through, unchanged', () => {
    const body = { name: 'a', count: 2 };
    expect(checkInput(Body, body)).toBe(body);
  });

  it('refuses what is not an object with the route’s message', () => {
    for (const body of [[], 'x', 7, null, undefined]) {
      expect(refused(Body, body)).toEqual({ code: 'VALIDATION_FAILED', message: 'Send {name, count?}', details: undefined });
    }
  });

  it('names the first unknown key before any property fault', () => {
    expect(refused(Body, { name: 1, zz: 1, yy: 2 })).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'Unexpected property "zz" in the thing',
      details: { zz: { code: 'UNEXPECTED', message: 'allowed: name, count' } },
    });
  });

  it('words a property’s fault with its x-error, missing or of the wrong type', () => {
    const expected = {
      code: 'VALIDATION_FAILED',
      message: 'name must be text',
      details: { name: { code: 'INVALID_NAME', message: 'text' } },
    };
    expect(refused(Body, {})).toEqual(expected);
    expect(refused(Body, { name: 3 })).toEqual(expected);
  });

  it('falls back to a generic detail under the property’s name', () => {
    expect(refused(Body, { name: 'a', count: 1.5 })).toEqual({
      code: 'VALIDATION_FAILED',
      message: 'Send {name, count?}',
      details: { count: { code: 'INVALID_TYPE', message: 'must be integer' } },
    });
  });

  it('lets an optional body be absent, and answers x-refuse for any fault', () => {
    const Optional = Type.Object(
      { version: Type.Optional(Type.Integer()) },
      {
        additionalProperties: false,
        'x-optional': true,
        'x-refuse': { message: 'Send nothing, or {version}', details: { body: { code: 'INVALID_BODY', message: 'x' } } },
      },
    );
    expect(checkInput(Optional, undefined)).toBeUndefined();
    expect(checkInput(Optional, null)).toBeUndefined();
    for (const body of [[], { a: 1 }, { version: 'x' }])
      expect(refused(Optional, body).details).toEqual({ body: { code: 'INVALID_BODY', message: 'x' } });
  });
});
