// Money in the UI: integers in the currency's minor units, as the API sends them (cents, whole
// yen, fils). Typed amounts ("1,234.50") are read as text into integers and integers are written
// out as text: no floating point ever touches an amount. The table of exponents is the server's
// (core/money.c); a currency missing here is shown with 2 decimals.

import { h } from './dom.js';

const EXPONENTS = {
  USD: 2, EUR: 2, GBP: 2, CHF: 2, CAD: 2, AUD: 2, NZD: 2, SEK: 2, NOK: 2, DKK: 2, MXN: 2, BRL: 2,
  INR: 2, ZAR: 2, SGD: 2, HKD: 2, CNY: 2, AED: 2, JPY: 0, KRW: 0, ISK: 0, CLP: 0, KWD: 3, BHD: 3,
  OMR: 3, JOD: 3, TND: 3,
};

// The API's largest amount (10^12 minor units).
export const MONEY_MAX = 1000000000000;

export function exponentOf(currency) {
  return Object.prototype.hasOwnProperty.call(EXPONENTS, currency) ? EXPONENTS[currency] : 2;
}

// 123456 USD -> "1,234.56"; -500 JPY -> "-500". Digits only, from the integer's own digits.
export function formatMinor(minor, currency) {
  if (!Number.isSafeInteger(minor)) return '—';
  const exp = exponentOf(currency);
  const digits = String(Math.abs(minor)).padStart(exp + 1, '0');
  const whole = digits.slice(0, digits.length - exp);
  const frac = exp ? digits.slice(digits.length - exp) : '';
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${minor < 0 ? '-' : ''}${grouped}${exp ? `.${frac}` : ''}`;
}

// "1,234.56 USD", as on the estimate the patient takes home.
export function money(minor, currency) {
  return `${formatMinor(minor, currency)} ${currency}`;
}

// An amount for a table cell or a total: right-aligned, tabular figures (.amount in billing.css).
export function amountEl(minor, currency, attrs = {}) {
  return h('span', { ...attrs, class: ['amount', minor < 0 && 'negative', attrs.class] }, money(minor, currency));
}

// Reads a typed amount into minor units: "1,234.50", "1234.5", "-20", "0.05" (grouping commas
// only between groups of three). Returns {value} or {error} in words for the field.
// opts: {negative: allow a minus sign, zero: allow 0}.
export function parseAmount(text, currency, { negative = false, zero = true } = {}) {
  const exp = exponentOf(currency);
  const s = String(text ?? '').trim().replace(/\s/g, '');
  if (!s) return { error: 'is needed' };
  const m = /^(-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) {
    return { error: `must be an amount such as ${exp ? `1,234.${'5'.padEnd(exp, '0')}` : '1,234'} (digits, commas between thousands${exp ? ', a point before the decimals' : ''})` };
  }
  const [, minus, wholeText, frac = ''] = m;
  if (minus && !negative) return { error: 'cannot be negative' };
  if (frac.length > exp) {
    return { error: exp ? `has at most ${exp} decimal${exp === 1 ? '' : 's'} in ${currency}` : `is in whole ${currency}, without decimals` };
  }
  const digits = (wholeText.replace(/,/g, '') + frac.padEnd(exp, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > 13 || (digits.length === 13 && digits > String(MONEY_MAX))) {
    return { error: `is more than ${money(MONEY_MAX, currency)}` };
  }
  const value = Number(digits) * (minus ? -1 : 1);
  if (value === 0 && !zero) return { error: 'must not be zero' };
  return { value: Object.is(value, -0) ? 0 : value };
}
