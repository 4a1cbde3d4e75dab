// Payments and burns (finance): every burn intent with its status and releases, and the invoices' payment status.
// A held burn (money of its invoice went back) waits for finance's decision: Release checks the amount and note here,
// says what will be burned, and only on Confirm posts it (POST …/release); the list is then read again. Text from the
// API (reasons, notes) only ever goes into text nodes (h() never parses HTML).
import { getJson, getJsonResponse, postJson, query } from '../api.js';
import { h, table, badge, short, explorerLink, stat, unreadableBox, problemBox, units, ledgerAmount, currencyDigits, toMinor, utcTime } from '../format.js';
import { nextFormNumber, fieldErrors, problemFieldErrors, checkNote } from '../forms.js';

const MAX_NOTE = 500; // BurnReleaser.MaxNoteChars
const EXACT = ['usdMinor', 'amountMinor', 'keptMinor']; // money stays exact text, never a float

export default async function payments(root, { me, config, params }) {
  const invoiceId = params.get('invoiceId') ?? '';
  const form = h('form', { class: 'filters card' },
    h('div', {}, h('label', { for: 'b-invoice' }, 'Invoice (empty = all)'), h('input', { id: 'b-invoice', name: 'invoiceId', value: invoiceId })),
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = '#/payments' + query(Object.fromEntries(new FormData(form)));
  });
  root.append(h('h1', {}, 'Payments & burns'), form);

  const readBurns = () => getJsonResponse('/api/v1/burns' + query({ invoiceId }), EXACT);
  const [burns, invoices] = await Promise.all([readBurns(), getJson('/api/v1/invoices')]);
  const counts = new Map();
  for (const i of invoices.invoices) counts.set(i.status, (counts.get(i.status) ?? 0) + 1);
  const answer = h('div', { id: 'release-answer', 'aria-live': 'polite' });
  const list = h('div', { id: 'burns' });
  root.append(
    h('h2', {}, 'Invoice payment status'),
    h('div', { class: 'stats', id: 'payment-status' }, [...counts.entries()].sort().map(([s, n]) => stat(s, String(n)))),
    unreadableBox('invoice', (invoices.unreadable ?? []).map(u => u.id), 'unreadable-invoices'),
    h('h2', {}, 'Burns'),
    h('p', { class: 'muted' }, `Signatures and burn markers link to the Solana explorer for the ${config.cluster} cluster.`),
    answer, list);

  const show = ({ body, headers }) => list.replaceChildren(...burnList(body, headers, config, me.role === 'Finance' ? released : null));
  // After a release: what the API answered, then the list as it stands now.
  async function released(burn) {
    answer.replaceChildren(h('p', { class: 'release-ok', dataset: { status: burn.status } },
      `Released ${burn.invoiceId}: ${ledgerAmount(burn.usdMinor, burn.currency)} to burn, now `, badge(burn.status),
      burn.status === 'skipped' ? ' (nothing is burned).' : ' (signed on the executor\'s next run).'));
    try { show(await readBurns()); } catch (error) { list.replaceChildren(problemBox(error)); }
  }
  show(burns);
}

/** The burns table (and the warning naming rows the API could not read); `onReleased` is null where no one may release. */
function burnList(burns, headers, config, onReleased) {
  // Rows changed outside the platform: named by the API (a header for the burns' bare array), never counted or shown as burns.
  const unreadable = (headers.get('Billing-Unreadable-Burns') ?? '').split(',').filter(Boolean).map(decodeURIComponent);
  const warning = unreadableBox('burn', unreadable, 'unreadable-burns');
  if (burns.length === 0) return [warning, h('p', {}, 'No burns yet: a burn follows a paid invoice.')];
  const headings = ['Burn', 'Invoice', 'Payer', { text: 'Paid', class: 'num' }, { text: 'Tokens', class: 'num' }, 'Status', 'Signature', 'Slot', 'Reason', 'Updated (UTC)'];
  return [warning, table(headings, burns.map(b => [
    h('tr', { dataset: { burn: b.id } },
      h('td', {}, short(b.id)),
      h('td', {}, h('a', { href: `#/invoices/${encodeURIComponent(b.invoiceId)}` }, b.invoiceId)),
      h('td', { class: 'nowrap' }, b.payer),
      h('td', { class: 'num' }, ledgerAmount(b.usdMinor, b.currency)),
      h('td', { class: 'num', title: `${b.tokenAmount} base units` }, units(b.tokenAmount, b.decimals)),
      h('td', {}, badge(b.status)),
      // The marker under the signature: the account whose state says on chain whether a transaction of this burn landed.
      h('td', {}, explorerLink(config, 'tx', b.signature), b.marker ? [h('br'), h('span', { class: 'muted' }, 'marker '), explorerLink(config, 'address', b.marker)] : null),
      h('td', { class: 'num' }, b.slot != null ? String(b.slot) : '—'),
      h('td', {}, b.status === 'held' ? h('span', { class: 'muted' }, 'below') : b.reason ?? ''),
      h('td', {}, utcTime(b.updatedAt))),
    // A line under the burn, the table's width: why it is held (a long sentence), its releases, finance's Release.
    b.status === 'held' || (b.releases ?? []).length > 0
      ? h('tr', { class: 'burn-more', dataset: { burnMore: b.id } }, h('td', { colspan: headings.length },
        b.status === 'held' ? h('p', { class: 'held-reason' }, b.reason ?? 'held') : null,
        (b.releases ?? []).length > 0 ? releaseHistory(b) : null,
        b.status === 'held' && onReleased ? releaseControl(b, onReleased) : null))
      : null,
  ]), { id: 'burn-list' })];
}

/** Every release of a burn, oldest first: when, who, what finance decided to burn of what the invoice kept, and why. */
function releaseHistory(b) {
  return h('div', { class: 'releases' },
    h('span', { class: 'muted' }, `Releases (${b.releases.length}, oldest first; the last stands)`),
    h('ol', {}, b.releases.map(r => h('li', { class: 'release' },
      h('span', { class: 'nowrap' }, utcTime(r.releasedAt)), ` by ${r.releasedBy}: burn ${ledgerAmount(r.amountMinor, b.currency)} of `,
      r.keptMinor == null ? 'an unrecorded amount' : ledgerAmount(r.keptMinor, b.currency), ' kept; ',
      h('q', { class: 'release-note' }, r.note)))));
}

/**
 * Release: a form for the amount (major units of the burn's currency, parsed exactly) and the note; Review checks both
 * here (a refused one sends nothing) and states what will be burned; Confirm posts it. A problem answer is shown with
 * its field errors next to their fields, and the form stays for a correction.
 */
function releaseControl(b, onReleased) {
  const n = nextFormNumber();
  const digits = currencyDigits(b.currency);
  const unit = digits === undefined ? `${b.currency} minor units` : b.currency;
  const fields = {
    amountMinor: h('input', { id: `release-amount-${n}`, name: 'amount', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false' }),
    note: h('input', { id: `release-note-${n}`, name: 'note', autocomplete: 'off', size: 48 }),
  };
  const { lines: errors, show: showErrors } = fieldErrors(fields);

  const review = h('button', { type: 'submit', class: 'release-review' }, 'Review');
  const summary = h('p', { class: 'release-summary' });
  const confirm = h('button', { type: 'button', class: 'release-confirm' }, 'Confirm release');
  const back = h('button', { type: 'button', class: 'secondary release-back' }, 'Back');
  const confirmation = h('div', { class: 'release-confirmation', hidden: true }, summary, h('div', { class: 'actions' }, confirm, back));
  const problem = h('div', { class: 'release-problem', 'aria-live': 'polite' });
  const form = h('form', { class: 'release-form', hidden: true, novalidate: true },
    h('div', { class: 'release-fields' },
      h('div', {}, h('label', { for: fields.amountMinor.id }, `Amount to burn (${unit}; at most what the invoice kept, 0 burns nothing)`), fields.amountMinor, errors.amountMinor),
      h('div', {}, h('label', { for: fields.note.id }, `Note: why (one line, at most ${MAX_NOTE} characters; kept on the burn)`), fields.note, errors.note),
      review),
    confirmation, problem);
  const editing = (yes) => {
    confirmation.hidden = yes;
    for (const control of [...Object.values(fields), review]) control.disabled = !yes;
  };

  const open = h('button', { type: 'button', class: 'release-open secondary', 'aria-expanded': 'false' }, 'Release…');
  open.addEventListener('click', () => {
    form.hidden = !form.hidden;
    open.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) fields.amountMinor.focus();
  });

  let request = null; // the checked release awaiting confirmation
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    problem.replaceChildren();
    const amount = toMinor(fields.amountMinor.value, digits ?? 0);
    // Number() of the digits is exact up to 2^53, far beyond any invoice (the API refuses more than 10^12).
    const amountError = amount.error ?? (BigInt(amount.minor) > BigInt(Number.MAX_SAFE_INTEGER) ? 'is too large' : undefined);
    const { note, error: noteError } = checkNote(fields.note.value, MAX_NOTE, 'say why; it is kept on the burn');
    showErrors({ amountMinor: amountError, note: noteError });
    if (amountError || noteError) return;
    request = { amountMinor: Number(amount.minor), note };
    summary.textContent = amount.minor === '0'
      ? `Burn nothing (${ledgerAmount('0', b.currency)}) of ${b.invoiceId}: the burn is skipped; this cannot be undone.`
      : `Burn ${ledgerAmount(amount.minor, b.currency)} of ${b.invoiceId}; this cannot be undone.`;
    editing(false);
    confirm.focus();
  });
  back.addEventListener('click', () => {
    editing(true);
    fields.amountMinor.focus();
  });
  confirm.addEventListener('click', async () => {
    confirm.disabled = back.disabled = true;
    problem.replaceChildren(h('span', { class: 'muted' }, 'Releasing…'));
    try {
      const burn = await postJson(`/api/v1/burns/${encodeURIComponent(b.id)}/release`, request);
      problem.replaceChildren();
      await onReleased(burn);
    } catch (error) {
      problem.replaceChildren(problemBox(error));
      editing(true);
      showErrors(problemFieldErrors(error, fields));
    } finally {
      confirm.disabled = back.disabled = false;
    }
  });
  return h('div', { class: 'release-control' }, open, form);
}
