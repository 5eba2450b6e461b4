/**
 * The benchmark's dataset: deterministic (seeded PRNG, one independent stream per row, so
 * any row can be made again in any process), realistic invoice lines linked to orders and
 * clients. The same rows feed Tabula's HTTP import and the typed baseline's COPY.
 *
 * clients  ≈ records / 200   name, country
 * orders   ≈ records / 10    number, date (three years: 2023-01-01 … 2025-12-31), client
 * lines    = records         description (searchable, with a rare SKU code), category
 *                            (select, 8 skewed choices), date (the order's), qty (number,
 *                            integer or 2 decimals), price (money, EUR), cost (money, USD),
 *                            vat (percent 0/5/9/19 %), order (link), total = qty × price × (1 + vat)
 */

/** splitmix32: a seed → a well-mixed 32-bit state. */
function mix32(x) {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** sfc32 PRNG → floats in [0, 1). */
export function prng(seed, stream = 0) {
  let a = mix32(seed ^ 0x5bd1e995);
  let b = mix32(stream + 0x1b873593);
  let c = mix32(a ^ b);
  let d = 1;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

const int = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
const pick = (r, list) => list[Math.floor(r() * list.length)];
function weighted(r, entries) {
  const x = r();
  let acc = 0;
  for (const [v, w] of entries) if (x < (acc += w)) return v;
  return entries[entries.length - 1][0];
}

export const CATEGORIES = [
  ['Hardware', 0.24],
  ['Software', 0.18],
  ['Services', 0.15],
  ['Consulting', 0.12],
  ['Licenses', 0.11],
  ['Training', 0.08],
  ['Support', 0.07],
  ['Shipping', 0.05],
];
export const CATEGORY_NAMES = CATEGORIES.map(([c]) => c);
const VATS = [
  [0, 0.1],
  [5, 0.15],
  [9, 0.2],
  [19, 0.55],
];
export const ADJECTIVES = [
  'galvanized',
  'anodized',
  'brushed',
  'compact',
  'heavy',
  'light',
  'modular',
  'premium',
  'basic',
  'industrial',
  'portable',
  'wireless',
  'digital',
  'annual',
  'monthly',
  'extended',
  'certified',
  'refurbished',
  'custom',
  'standard',
  'deluxe',
  'express',
  'insulated',
  'reinforced',
  'stainless',
  'flexible',
  'rugged',
  'silent',
  'smart',
  'solar',
  'hybrid',
  'thermal',
  'optical',
  'magnetic',
  'hydraulic',
  'pneumatic',
  'acoustic',
  'ergonomic',
  'recycled',
  'organic',
];
export const NOUNS = [
  'bracket',
  'valve',
  'router',
  'switch',
  'cable',
  'adapter',
  'license',
  'subscription',
  'workshop',
  'audit',
  'installation',
  'maintenance',
  'monitor',
  'keyboard',
  'printer',
  'scanner',
  'sensor',
  'controller',
  'pump',
  'filter',
  'bearing',
  'gasket',
  'hinge',
  'panel',
  'battery',
  'charger',
  'server',
  'rack',
  'enclosure',
  'antenna',
  'camera',
  'tripod',
  'lamp',
  'fixture',
  'ladder',
  'drill',
  'saw',
  'wrench',
  'clamp',
  'fastener',
  'screw',
  'bolt',
  'washer',
  'spring',
  'gear',
  'motor',
  'belt',
  'pulley',
  'chain',
  'hose',
  'nozzle',
  'gauge',
  'meter',
  'relay',
  'fuse',
  'breaker',
  'transformer',
  'inverter',
  'module',
  'kit',
];
const COMPANY_A = [
  'Nord',
  'Sud',
  'Alpha',
  'Delta',
  'Vector',
  'Blue',
  'Green',
  'Iron',
  'Silver',
  'Atlas',
  'Orion',
  'Nova',
  'Terra',
  'Aqua',
  'Summit',
  'Pioneer',
  'Vertex',
  'Quantum',
  'Apex',
  'Horizon',
];
const COMPANY_B = ['wind', 'stone', 'field', 'bridge', 'works', 'line', 'gate', 'point', 'ridge', 'port'];
const COMPANY_C = ['Logistics', 'Trading', 'Industries', 'Systems', 'Foods', 'Consulting', 'Partners', 'Retail', 'Energy', 'Labs'];
const COUNTRIES = ['Romania', 'Germany', 'France', 'Italy', 'Spain', 'Poland', 'Austria', 'Netherlands', 'Hungary', 'Moldova'];

const BASE_MS = Date.UTC(2026, 0, 1);
const DAY0 = Date.UTC(2023, 0, 1);
export const DAYS = 1096; // 2023-01-01 … 2025-12-31

/** A valid UUIDv7 made from a time offset and the PRNG (deterministic). */
function uuid7(ms, r) {
  const hex = (n, w) => n.toString(16).padStart(w, '0');
  const t = hex(ms, 12);
  const r1 = Math.floor(r() * 0x1000);
  const r2 = 0x8000 | Math.floor(r() * 0x4000);
  const r3 = hex(Math.floor(r() * 0x1000000), 6) + hex(Math.floor(r() * 0x1000000), 6);
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${hex(r1, 3)}-${hex(r2, 4)}-${r3}`;
}

export function isoDay(day) {
  return new Date(DAY0 + day * 86400000).toISOString().slice(0, 10);
}

/** An integer scaled by 10^scale as a decimal string, trailing zeros stripped ("71.3643", "5"). */
export function scaled(n, scale) {
  const neg = n < 0;
  let s = String(Math.abs(n)).padStart(scale + 1, '0');
  let out = scale ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s;
  if (scale) out = out.replace(/0+$/, '').replace(/\.$/, '');
  return (neg ? '-' : '') + out;
}

/** Rounds an integer scaled by 10^6 to cents, half away from zero (PostgreSQL's round). */
export function round6to2(n6) {
  const sign = n6 < 0 ? -1 : 1;
  const a = Math.abs(n6);
  return sign * Math.floor((a + 5000) / 10000);
}

export class Dataset {
  constructor(records, seed = 42) {
    this.records = records;
    this.seed = seed;
    const r = prng(seed, 0x7fffffff);
    this.clientCount = Math.max(20, Math.round(records / 200));
    this.clients = [];
    for (let k = 0; k < this.clientCount; k++) {
      const name = `${pick(r, COMPANY_A)}${pick(r, COMPANY_B)} ${pick(r, COMPANY_C)} ${k + 1}`;
      this.clients.push({ id: uuid7(BASE_MS - 10_000_000 + k, r), name, country: pick(r, COUNTRIES) });
    }
    // orders with 1 … 19 lines (mean 10) until every line has one
    this.lineOrder = new Int32Array(records);
    this.orders = [];
    let i = 0;
    while (i < records) {
      const n = Math.min(int(r, 1, 19), records - i);
      const k = this.orders.length;
      // clients are skewed: a few big ones, a long tail
      const client = Math.min(this.clientCount - 1, Math.floor(this.clientCount * Math.pow(r(), 2)));
      this.orders.push({
        id: uuid7(BASE_MS - 5_000_000 + k, r),
        number: `ORD-${String(k + 1).padStart(7, '0')}`,
        day: int(r, 0, DAYS - 1),
        client,
        first: i,
        count: n,
      });
      this.lineOrder.fill(k, i, i + n);
      i += n;
    }
  }

  /** Line i: plain values plus exact integer forms for checks (qty100, price100, vat100, total6). */
  line(i) {
    const r = prng(this.seed, i + 1);
    const order = this.orders[this.lineOrder[i]];
    const id = uuid7(BASE_MS + i, r);
    const adjective = pick(r, ADJECTIVES);
    const noun = pick(r, NOUNS);
    const sku = `SKU-${String(int(r, 1, 99999)).padStart(5, '0')}`;
    const category = weighted(r, CATEGORIES);
    const qty100 = r() < 0.7 ? int(r, 1, 20) * 100 : int(r, 25, 5000);
    const price100 = Math.round(Math.exp(Math.log(50) + r() * (Math.log(200000) - Math.log(50))));
    const cost100 = Math.round(price100 * (0.5 + r() * 0.4));
    const vat100 = weighted(r, VATS);
    const total6 = qty100 * price100 * (100 + vat100);
    return {
      id,
      orderId: order.id,
      orderIndex: this.lineOrder[i],
      description: `${adjective} ${noun} ${sku}`,
      category,
      date: isoDay(order.day),
      qty: scaled(qty100, 2),
      price: scaled(price100, 2),
      cost: scaled(cost100, 2),
      vat: scaled(vat100, 2),
      total: scaled(total6, 6),
      qty100,
      price100,
      vat100,
      total6,
    };
  }

  /** The API's wire form of line i. */
  lineWire(i) {
    const l = this.line(i);
    return {
      id: l.id,
      data: {
        description: l.description,
        category: l.category,
        date: l.date,
        qty: l.qty,
        price: l.price,
        cost: l.cost,
        vat: Number(l.vat),
        order: [l.orderId],
      },
    };
  }

  /** COPY text-format row of line i: id, order_id, description, category, date, qty, price, cost, vat, total. */
  lineCopy(i) {
    const l = this.line(i);
    return `${l.id}\t${l.orderId}\t${l.description}\t${l.category}\t${l.date}\t${l.qty}\t${l.price}\t${l.cost}\t${l.vat}\t${l.total}\n`;
  }
}
