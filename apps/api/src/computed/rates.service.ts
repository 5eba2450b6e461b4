/**
 * Exchange rates: `{from, to, rate, date}`, the rate of a day being the latest on or
 * before it. A pair is found directly, inverted, or through the workspace's base currency.
 * No rate is an explicit null (the formula shows #RATE!), never a silent 1.0. Rates are
 * exact decimals (NUMERIC in SQL, strings on the wire).
 */
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, isCurrency, normalizeDecimal, parseIsoDate, uuidv7 } from '@tabula/schema-engine';
import { DATABASE } from '../database/database.provider.js';
import type { Database, Sql } from '../database/database.js';
import { WorkspaceService } from '../workspace/workspace.service.js';
import type { ExchangeRateBody } from './computed.dto.js';

export interface RateRow {
  id: string;
  from: string;
  to: string;
  rate: string;
  date: string;
}

/** Divides decimal strings exactly enough for a rate (20 significant digits). */
function invert(rate: string): string {
  const scale = 20n;
  const [i, f = ''] = rate.split('.');
  const num = BigInt(i! + f);
  const den = 10n ** BigInt(f.length);
  const q = (den * 10n ** scale) / num;
  const s = q.toString().padStart(Number(scale) + 1, '0');
  return normalizeDecimal(`${s.slice(0, s.length - Number(scale))}.${s.slice(s.length - Number(scale))}`);
}

function multiply(a: string, b: string): string {
  const [ai, af = ''] = a.split('.');
  const [bi, bf = ''] = b.split('.');
  const p = (BigInt(ai! + af) * BigInt(bi! + bf)).toString().padStart(af.length + bf.length + 1, '0');
  const cut = p.length - af.length - bf.length;
  return normalizeDecimal(`${p.slice(0, cut)}.${p.slice(cut) || '0'}`);
}

export type RateFn = (from: string, to: string, date: string | null) => string | null;

@Injectable()
export class RatesService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    private readonly ws: WorkspaceService,
  ) {}

  async list(query: Record<string, unknown>): Promise<{ items: RateRow[]; rate?: string | null }> {
    const rows = await this.all(this.db);
    const from = typeof query.from === 'string' ? query.from : undefined;
    const to = typeof query.to === 'string' ? query.to : undefined;
    const items = rows.filter((r) => (!from || r.from === from) && (!to || r.to === to));
    if (from && to && typeof query.date === 'string') {
      parseIsoDateOr400(query.date);
      return { items, rate: this.fn(rows)(from, to, query.date) };
    }
    return { items };
  }

  /** `body`: its envelope checked by the input layer (ExchangeRateBody), its values here. */
  async add(body: ExchangeRateBody, userId: string): Promise<RateRow> {
    const errors: Record<string, { code: string; message: string }> = {};
    if (typeof body.from !== 'string' || !isCurrency(body.from)) errors.from = { code: 'INVALID_CURRENCY', message: 'an ISO 4217 code' };
    if (typeof body.to !== 'string' || !isCurrency(body.to)) errors.to = { code: 'INVALID_CURRENCY', message: 'an ISO 4217 code' };
    if (!errors.from && body.from === body.to) errors.to = { code: 'SAME_CURRENCY', message: 'must differ from "from"' };
    let rate = '';
    try {
      rate = normalizeDecimal(body.rate);
      if (rate.startsWith('-') || /^0(\.0*)?$/.test(rate)) errors.rate = { code: 'NOT_POSITIVE', message: 'must be greater than 0' };
    } catch {
      errors.rate = { code: 'NOT_A_NUMBER', message: 'a positive decimal number' };
    }
    let date = '';
    try {
      date = parseIsoDate(body.date);
    } catch {
      errors.date = { code: 'INVALID_DATE', message: 'a date "YYYY-MM-DD"' };
    }
    if (Object.keys(errors).length) throw new DomainError('VALIDATION_FAILED', 'Invalid exchange rate', errors);
    const id = uuidv7();
    await this.db.exec(
      `INSERT INTO exchange_rate (workspace_id, id, from_currency, to_currency, rate, day, created_by) VALUES ($1, $2, $3, $4, $5::numeric, $6, $7)
       ON CONFLICT (workspace_id, from_currency, to_currency, day) DO UPDATE SET rate = EXCLUDED.rate, created_by = EXCLUDED.created_by, created_at = now()`,
      [this.ws.id, id, body.from, body.to, rate, date, userId],
    );
    return { id, from: body.from as string, to: body.to as string, rate, date };
  }

  async all(sql: Sql): Promise<RateRow[]> {
    return sql.query<RateRow>(
      `SELECT id, from_currency AS "from", to_currency AS "to", rate::text AS rate, day AS date FROM exchange_rate WHERE workspace_id = $1 ORDER BY from_currency, to_currency, day`,
      [this.ws.id],
    );
  }

  /** A synchronous rate lookup over loaded rows (formulas evaluate without I/O). */
  fn(rows: RateRow[]): RateFn {
    const byPair = new Map<string, RateRow[]>();
    for (const r of rows) {
      const k = `${r.from}>${r.to}`;
      (byPair.get(k) ?? byPair.set(k, []).get(k)!).push(r);
    }
    const base = this.ws.current.baseCurrency;
    const direct = (from: string, to: string, date: string): string | null => {
      const d = byPair
        .get(`${from}>${to}`)
        ?.filter((r) => r.date <= date)
        .at(-1);
      if (d) return d.rate;
      const inv = byPair
        .get(`${to}>${from}`)
        ?.filter((r) => r.date <= date)
        .at(-1);
      return inv ? invert(inv.rate) : null;
    };
    const today = () => this.ws.valueContext().today();
    return (from, to, date) => {
      if (from === to) return '1';
      const day = date ?? today();
      const d = direct(from, to, day);
      if (d) return d;
      if (from !== base && to !== base) {
        const a = direct(from, base, day);
        const b = direct(base, to, day);
        if (a && b) return multiply(a, b);
      }
      return null;
    };
  }
}

function parseIsoDateOr400(v: string): void {
  try {
    parseIsoDate(v);
  } catch {
    throw new DomainError('VALIDATION_FAILED', 'date must be "YYYY-MM-DD"', { date: { code: 'INVALID_DATE', message: 'YYYY-MM-DD' } });
  }
}
