/**
 * UUIDv7 made by the application: time-ordered, valid on every node (RFC 9562).
 * Random bits come from Web Crypto (`globalThis.crypto`, in Node since 19 and in every
 * browser), so this module, and the field types that check ids with `isUuid`, load in the
 * designer as well as in the API.
 */

let lastMs = 0;
let seq = 0;

function randomBytes(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

export function uuidv7(): string {
  let ms = Date.now();
  if (ms <= lastMs) {
    // keep ids monotonic within one process even when the clock stands still
    seq = (seq + 1) & 0xfff;
    if (seq === 0) lastMs += 1;
    ms = lastMs;
  } else {
    lastMs = ms;
    const r = randomBytes(2);
    seq = ((r[0]! << 8) | r[1]!) & 0x7ff;
  }
  const b = randomBytes(16);
  // 48-bit big-endian milliseconds (beyond 32 bits, so no bit operators on the whole)
  for (let i = 5, t = ms; i >= 0; i--, t = Math.floor(t / 256)) b[i] = t % 256;
  b[6] = 0x70 | ((seq >> 8) & 0x0f);
  b[7] = seq & 0xff;
  b[8] = (b[8]! & 0x3f) | 0x80;
  let h = '';
  for (const x of b) h += x.toString(16).padStart(2, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID_RE.test(v);
}
