/**
 * ISO 4217 currency codes and their minor units (the number of decimals an amount may
 * carry). Money amounts are checked against this table: more decimals than the currency
 * has is an error, never a silent rounding.
 *
 * The table holds every active code with numeric minor units, including the fund codes
 * (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW). Codes without minor units ("N.A." in
 * ISO 4217: precious metals XAU/XAG/XPD/XPT, the bond units XBA–XBD, XDR, XSU, XUA, and the
 * XTS/XXX test codes) are not money in an accounting sense and are refused. A few codes
 * withdrawn recently (ANG, CUC, HRK, SLL, ZWL) are still accepted so that older data and
 * imports stay valid.
 */
import { formatDecimal, parseDecimal } from './decimal.js';

const BY_MINOR_UNITS: Record<number, string> = {
  0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF',
  2:
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN ' +
    'BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ' +
    'ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IRR JMD ' +
    'KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR ' +
    'MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB ' +
    'SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY ' +
    'TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG ZWL',
  3: 'BHD IQD JOD KWD LYD OMR TND',
  4: 'CLF UYW',
};

/** Code → minor units, e.g. `CURRENCIES.EUR === 2`, `CURRENCIES.JPY === 0`. */
export const CURRENCIES: Readonly<Record<string, number>> = Object.freeze(
  Object.assign(
    Object.create(null) as Record<string, number>,
    Object.fromEntries(Object.entries(BY_MINOR_UNITS).flatMap(([units, codes]) => codes.split(' ').map((c) => [c, Number(units)]))),
  ),
);

/** Whether `code` is a known ISO 4217 code (exactly three upper-case letters: "eur" is not). */
export function isCurrency(code: unknown): code is string {
  return typeof code === 'string' && /^[A-Z]{3}$/.test(code) && Object.prototype.hasOwnProperty.call(CURRENCIES, code);
}

/** The minor units of a known currency; throws for an unknown code. */
export function minorUnits(code: string): number {
  if (!isCurrency(code)) throw new Error(`Unknown currency ${JSON.stringify(String(code).slice(0, 10))}`);
  return CURRENCIES[code]!;
}

/** Every known code, sorted. */
export function currencyCodes(): string[] {
  return Object.keys(CURRENCIES).sort();
}

/**
 * An exact amount as money is written: with the currency's minor units ("4.5" EUR is
 * "4.50", "1200" JPY stays "1200"); a code not in the table keeps the digits it has.
 * Pads only: an amount with more decimals than the currency has keeps them.
 */
export function padToMinorUnits(amount: unknown, currency: string): string {
  return formatDecimal(parseDecimal(amount), isCurrency(currency) ? CURRENCIES[currency]! : 0);
}
