/**
 * Locale-aware display of values with Intl: numbers, money, percent, dates, date-times,
 * durations. Decimal strings are given to Intl as strings (Intl.NumberFormat formats them
 * exactly), never parsed into floats.
 */
export const browserLocale: string = typeof navigator !== 'undefined' ? navigator.language || 'en' : 'en';

/**
 * The locale values are shown and read in: the workspace's (GET /api/workspace) once it
 * is known, the browser's before that. Set before any screen with values renders.
 */
export let locale: string = browserLocale;

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

/** Switches display and reading to `tag` (a BCP 47 locale); an invalid tag is ignored. */
export function setLocale(tag: string | null | undefined): void {
  let next = browserLocale;
  try {
    if (tag) next = Intl.getCanonicalLocales(tag)[0] ?? browserLocale;
  } catch {
    next = browserLocale;
  }
  if (next === locale) return;
  locale = next;
  cache.clear();
  separators();
}
function nf(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) cache.set(key, (f = make()));
  return f;
}
function df(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) cache.set(key, (f = make()));
  return f;
}

type Fmt = { format(v: any): string };

export function formatNumber(v: number | string, scale?: number): string {
  const f = nf(
    `n${scale ?? ''}`,
    () =>
      new Intl.NumberFormat(
        locale,
        scale === undefined ? { maximumFractionDigits: 20 } : { minimumFractionDigits: scale, maximumFractionDigits: scale },
      ),
  );
  return (f as Fmt).format(v);
}

export function formatMoney(amount: string, currency: string): string {
  try {
    const f = nf(`m${currency}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 20 }));
    return (f as Fmt).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

export function formatPercent(v: number, scale?: number): string {
  const f = nf(`p${scale ?? ''}`, () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: scale ?? 4 }));
  return f.format(v);
}

/** "2026-11-26" → the local form of that calendar day (no time zone shift). */
export function formatDate(v: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return v;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return df('d', () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' })).format(d);
}

export function formatDateTime(v: string): string {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return v;
  return df('dt', () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })).format(d);
}

/** Seconds → "1:05:30" (h:mm:ss) or "5:30" (m:ss). */
export function formatDuration(seconds: number): string {
  const neg = seconds < 0;
  let s = Math.abs(Math.round(seconds));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return (neg ? '-' : '') + (h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`);
}

/** "1:05:30", "5:30", "90" (seconds) → seconds, or null. */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (!t) return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  const m = /^(-?)(?:(\d+):)?(\d{1,2}):(\d{1,2})$/.exec(t);
  if (!m) return null;
  const v = (Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4])) * (m[1] ? -1 : 1);
  return v;
}

export function formatRelativeTime(iso: string): string {
  const d = new Date(iso).getTime();
  const diff = (d - Date.now()) / 1000;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(diff);
  if (abs < 60) return rtf.format(Math.round(diff), 'second');
  if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(diff / 3600), 'hour');
  if (abs < 86400 * 30) return rtf.format(Math.round(diff / 86400), 'day');
  return formatDateTime(iso);
}

/** The decimal and group separators of the locale, for reading typed numbers. */
export let decimalSeparator = '.';
export let groupSeparator = ',';
function separators(): void {
  decimalSeparator = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
  groupSeparator = new Intl.NumberFormat(locale).formatToParts(12345.6).find((p) => p.type === 'group')?.value ?? ',';
}
separators();

/**
 * Typed or pasted number text → a plain decimal string ("1.234,50" in de → "1234.50";
 * "1,234.50" in en → "1234.50"), or null when it is not a number.
 */
export function readDecimal(text: string): string | null {
  let t = text.trim().replace(/[\s\u00a0\u202f']/g, '');
  if (!t) return null;
  t = t.replace(/^[^\d+\-.,]+|[^\d.,]+$/g, ''); // currency symbols around
  const lastComma = t.lastIndexOf(',');
  const lastDot = t.lastIndexOf('.');
  if (lastComma >= 0 && lastDot >= 0) {
    const dec = lastComma > lastDot ? ',' : '.';
    const grp = dec === ',' ? '.' : ',';
    t = t.split(grp).join('').replace(dec, '.');
  } else if (lastComma >= 0) {
    // a lone comma: decimal in locales that use it, or when not followed by exactly 3 digits
    const after = t.length - lastComma - 1;
    if (decimalSeparator === ',' || after !== 3 || t.split(',').length === 1) t = t.replace(',', '.');
    else t = t.split(',').join('');
  }
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(t) ? t.replace(/^\+/, '').replace(/^(-?)\./, '$10.') : null;
}
