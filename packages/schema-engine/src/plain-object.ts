/**
 * The one test for "a JSON object" that every body, option bag and document check uses
 * (the API's input layer, the codecs, the config document, the designer): an object that
 * is neither an array nor a class instance. A null prototype passes (what a JSON parser
 * hardened against `__proto__` may hand over); browser-safe, so `wire` exports it too.
 */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
