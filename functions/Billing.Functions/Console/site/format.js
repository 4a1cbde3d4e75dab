// DOM building and exact formatting. Money and token amounts are strings from the API: shown as given, or moved
// between minor and major units by string arithmetic, never through floating point.

// What would not draw as itself, as the CLI spells it (QuarantineRenderers.Visible): controls but line feed and tab,
// format characters (bidi marks, overrides and isolates, zero-width ones, the byte order mark, soft hyphen, tag
// characters), line and paragraph separators, and a surrogate without its pair. A partner chooses ids and group values:
// two that differ must not look alike, and none may make the rest of a payload or a cell read backwards.
const HIDDEN = /(?![\n\t])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

const spelled = (c) => {
  const code = c.codePointAt(0);
  return code > 0xffff ? '\\U' + code.toString(16).toUpperCase().padStart(8, '0') : '\\u' + code.toString(16).toUpperCase().padStart(4, '0');
};

/** `text` with every hidden character above as `\uXXXX` (`\UXXXXXXXX` beyond U+FFFF). */
export const visible = (text) => text.replace(HIDDEN, spelled);

/** Creates an element; children are nodes or text (never parsed as HTML, hidden characters spelled out). */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : k === 'title' ? visible(String(v)) : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c !== undefined && c !== null && c !== false) node.append(c instanceof Node ? c : visible(String(c)));
  }
  return node;
}

/** An integer (string or BigInt) with thousands separators. */
export function integer(value) {
  const s = BigInt(value).toString();
  const neg = s.startsWith('-');
  const digits = neg ? s.slice(1) : s;
  return (neg ? '-' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** An integer amount of base units as a decimal with `decimals` places: ("12345", 2) → "123.45". */
export function units(amount, decimals) {
  let s = BigInt(amount).toString();
  const neg = s.startsWith('-');
  if (neg) s = s.slice(1);
  if (decimals > 0) {
    s = s.padStart(decimals + 1, '0');
    s = integer(s.slice(0, -decimals)) + '.' + s.slice(-decimals);
  } else {
    s = integer(s);
  }
  return (neg ? '-' : '') + s;
}

// Minor-unit exponents of the currencies the platform bills in (ISO 4217), from the server's config.json: a copy here
// missed the currencies added since (a CAD burn read in base units, its release typed in cents).
let currencyTable = {};

/** Takes the server's currency table (code → exponent); until then, and without one, every asset reads in base units. */
export function useCurrencies(table) {
  currencyTable = Object.fromEntries(Object.entries(table ?? {}).filter(([, digits]) => Number.isInteger(digits) && digits >= 0));
}

/** Decimal places of a currency's major unit (USD 2, JPY 0); undefined for an asset that is not one of them. */
export const currencyDigits = (currency) => Object.hasOwn(currencyTable, currency?.toUpperCase() ?? '') ? currencyTable[currency.toUpperCase()] : undefined;

/** A ledger amount (an integer in minor or base units) in major units for a currency; other assets in base units. */
export function ledgerAmount(amount, asset) {
  const digits = currencyDigits(asset);
  return digits === undefined ? `${integer(amount)} ${asset} (base units)` : `${units(amount, digits)} ${asset}`;
}

/**
 * Typed major units as an integer string of minor units, by string arithmetic: ("70.5", 2) → { minor: "7050" }.
 * Anything but digits with at most `decimals` of them after one point is { error } saying what is wrong.
 */
export function toMinor(text, decimals) {
  const s = text.trim();
  if (s === '') return { error: 'is required' };
  if (/^-/.test(s)) return { error: 'must not be negative' };
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return { error: 'must be a number such as 70.50 (digits and one decimal point, no thousands separators)' };
  const fraction = m[2] ?? '';
  if (fraction.length > decimals) {
    return { error: decimals === 0 ? 'has no decimals in this currency' : `has at most ${decimals} decimals in this currency` };
  }
  return { minor: BigInt(m[1] + fraction.padEnd(decimals, '0')).toString() };
}

/** Money as the API writes it (a decimal string) with its currency. */
export const money = (amount, currency) => `${amount} ${currency ?? ''}`.trim();

/** Minor units written as `money` writes the API's decimal strings, by string arithmetic: (4000, 'USD') → "40.00 USD". */
export function minorMoney(minor, currency) {
  const digits = currencyDigits(currency);
  if (digits === undefined) return `${BigInt(minor)} ${currency ?? ''} (minor units)`.trim();
  let s = BigInt(minor).toString();
  const neg = s.startsWith('-');
  if (neg) s = s.slice(1);
  if (digits > 0) {
    s = s.padStart(digits + 1, '0');
    s = s.slice(0, -digits) + '.' + s.slice(-digits);
  }
  return money((neg ? '-' : '') + s, currency);
}

/** Sum of exact integers (strings). */
export const sum = (values) => values.reduce((a, v) => a + BigInt(v), 0n);

/** A long id shortened for a table cell; the full value stays in the title and in the copy. */
export function short(id, keep = 8) {
  if (!id || id.length <= keep * 2 + 1) return h('span', { class: 'mono' }, id ?? '');
  return h('span', { class: 'mono', title: id }, id.slice(0, keep) + '…' + id.slice(-keep));
}

export function badge(text) {
  const kind = /^(ok|paid|finalized|active|verified|reconciled|confirmed|metered|duplicate)$/i.test(text) ? 'ok'
    : /^(failed|disabled|void|mismatch|error)/i.test(text) ? 'bad'
      : /^(pending|partially_paid|signed|submitted|skipped|held|open)/i.test(text) ? 'warn' : 'info';
  return h('span', { class: 'badge ' + kind }, text);
}

export function table(headers, rows, attrs = {}) {
  return h('div', { class: 'table-wrap' }, h('table', attrs,
    h('thead', {}, h('tr', {}, headers.map(c => typeof c === 'string' ? h('th', { scope: 'col' }, c) : h('th', { scope: 'col', class: c.class }, c.text)))),
    h('tbody', {}, rows)));
}

export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(p => p).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')]));
}

export function stat(label, value, attrs = {}) {
  return h('div', { class: 'stat' }, h('div', { class: 'label' }, label), h('div', { class: 'value', ...attrs }, value));
}

/** The API's problem (or a transport failure) as an alert: status, title, detail and every field error. */
export function problemBox(error) {
  const p = error?.problem;
  const status = error?.status;
  return h('div', { class: 'problem', role: 'alert', dataset: { status: status ?? '' } },
    h('strong', {}, status ? `${status} ${p?.title ?? statusText(status)}` : 'Request failed'),
    ': ', p?.detail ?? (status ? `no details (${error.path})` : String(error?.message ?? error)),
    p?.errors?.length ? h('ul', {}, p.errors.map(e => h('li', {}, h('code', {}, e.field), ': ', e.reason))) : null);
}

/**
 * A warning naming stored rows the API could not read (changed outside the platform); nothing when there are none.
 * `why` says where the reasons are (the ledger reconcile report by default; a list that names them passes its own).
 */
export function unreadableBox(kind, ids, id, why = 'the ledger reconcile report says why. ') {
  if (ids.length === 0) return '';
  return h('div', { class: 'problem', role: 'alert', id },
    h('strong', {}, `${ids.length} ${kind}${ids.length === 1 ? '' : 's'} cannot be read`),
    ': their stored rows were changed outside the platform, so they are left out here and never acted on; ',
    why, h('span', { class: 'mono' }, ids.join(', ')));
}

/**
 * The notice of an answer for a payer whose partner row was removed from storage outside the platform while its records
 * remain (the API's `Billing-Payer-Row-Missing` header, whose value says it in words): what is shown is what is stored,
 * but the row must be restored. '' when the answer does not carry it.
 */
export function rowMissingBox(headers, payer) {
  const why = headers.get('Billing-Payer-Row-Missing');
  if (!why) return '';
  return h('div', { class: 'problem', role: 'alert', id: 'payer-row-missing' },
    h('strong', {}, 'Partner row missing'), ': payer ', h('span', { class: 'mono' }, payer), ': ', why, '.');
}

function statusText(status) {
  return { 400: 'Bad request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found', 409: 'Conflict', 422: 'Unprocessable', 503: 'Service unavailable' }[status] ?? 'Error';
}

/** A link to the configured Solana explorer for a transaction or an address. */
export function explorerLink(config, kind, value) {
  if (!value) return '—';
  const url = new URL(`${config.explorer}/${kind}/${encodeURIComponent(value)}`);
  if (config.cluster && config.cluster !== 'mainnet-beta') url.searchParams.set('cluster', config.cluster);
  if (config.cluster === 'custom' && config.customUrl) url.searchParams.set('customUrl', config.customUrl);
  return h('a', { href: url.toString(), target: '_blank', rel: 'noopener noreferrer', class: 'explorer', title: value }, short(value));
}

/** Whole seconds as days, hours, minutes and seconds, largest first, zero parts left out: 22800 → "6 h 20 min". */
export function duration(seconds) {
  const parts = [[86400, 'd'], [3600, 'h'], [60, 'min'], [1, 's']].map(([size, unit]) => {
    const count = Math.floor(seconds / size);
    seconds -= count * size;
    return count ? `${count} ${unit}` : null;
  }).filter(p => p);
  return parts.length ? parts.join(' ') : '0 s';
}

/** An API timestamp (ISO 8601, UTC) as "yyyy-MM-dd HH:mm:ss"; empty for none. */
export const utcTime = (t) => (t ?? '').replace('T', ' ').slice(0, 19);

/** yyyy-MM-dd of a Date in UTC. */
export const isoDate = (d) => d.toISOString().slice(0, 10);
