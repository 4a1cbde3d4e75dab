// Invoices: the list (by period and payer), one invoice with its lines, and CSV/PDF downloads.
import { getJson, getJsonResponse, download, query } from '../api.js';
import { h, money, minorMoney, table, badge, facts, problemBox, unreadableBox, rowMissingBox } from '../format.js';

export default async function invoices(root, ctx) {
  if (ctx.arg) return detail(root, ctx);
  const { me, params } = ctx;
  const period = params.get('period') ?? '';
  const payer = me.role === 'Finance' ? (params.get('payer') ?? '') : '';
  const form = h('form', { class: 'filters card', id: 'invoice-filters' },
    h('div', {}, h('label', { for: 'i-period' }, 'Period (yyyy-MM, empty = all)'), h('input', { id: 'i-period', name: 'period', type: 'month', value: period, placeholder: 'yyyy-MM' })),
    me.role === 'Finance' ? h('div', {}, h('label', { for: 'i-payer' }, 'Payer (empty = all)'), h('input', { id: 'i-payer', name: 'payer', value: payer })) : null,
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = '#/invoices' + query(Object.fromEntries(new FormData(form)));
  });
  const status = h('div', { id: 'download-status', 'aria-live': 'polite' });
  const csv = h('button', { type: 'button', class: 'secondary', id: 'download-list-csv' }, 'Download CSV (every line)');
  csv.addEventListener('click', () => run(status, () => download('/api/v1/invoices' + query({ period, payer, format: 'csv' }), `invoices-${period || 'all'}.csv`, 'text/csv')));
  root.append(h('h1', {}, 'Invoices'), form);

  const { body: list, headers } = await getJsonResponse('/api/v1/invoices' + query({ period, payer }));
  root.append(rowMissingBox(headers, payer), h('div', { class: 'actions' }, csv), status, unreadableBox('invoice', (list.unreadable ?? []).map(u => u.id), 'unreadable-invoices'));
  if (list.invoices.length === 0) {
    root.append(h('p', {}, 'No invoices' + (period ? ` for ${period}` : '') + '.'));
    return;
  }
  root.append(table(['Invoice', 'Payer', 'Period', 'Status', { text: 'Total', class: 'num' }, { text: 'Lines', class: 'num' }, 'Stripe'],
    list.invoices.map(i => h('tr', { dataset: { invoice: i.id } },
      h('td', {}, h('a', { href: `#/invoices/${encodeURIComponent(i.id)}` }, i.id)),
      h('td', {}, i.payer),
      h('td', {}, i.period.start.slice(0, 7)),
      h('td', {}, badge(i.status)),
      h('td', { class: 'num total' }, money(i.total, i.currency)),
      h('td', { class: 'num' }, String(i.lines)),
      h('td', {}, i.stripeInvoiceId ?? h('span', { class: 'muted' }, 'not synced')))),
    { id: 'invoice-list' }));
}

async function detail(root, { arg }) {
  const id = arg;
  root.append(h('p', {}, h('a', { href: '#/invoices' }, '← All invoices')));
  const invoice = await getJson(`/api/v1/invoices/${encodeURIComponent(id)}`, ['quantity']);
  const status = h('div', { id: 'download-status', 'aria-live': 'polite' });
  const csv = h('button', { type: 'button', id: 'download-csv' }, 'Download CSV');
  const pdf = h('button', { type: 'button', id: 'download-pdf' }, 'Download PDF');
  csv.addEventListener('click', () => run(status, () => download(`/api/v1/invoices/${encodeURIComponent(id)}?format=csv`, `${id}.csv`, 'text/csv')));
  pdf.addEventListener('click', () => run(status, () => download(`/api/v1/invoices/${encodeURIComponent(id)}?format=pdf`, `${id}.pdf`, 'application/pdf')));
  root.append(
    h('h1', {}, 'Invoice ', h('span', { class: 'mono', id: 'invoice-id' }, invoice.id)),
    h('div', { class: 'card', id: 'invoice-facts' }, facts([
      ['Payer', invoice.payer],
      ['Plan', invoice.plan],
      ['Period (UTC)', `${invoice.period.start} to ${invoice.period.end}`],
      ['Status', badge(invoice.status)],
      ['Total', h('strong', { id: 'invoice-total' }, money(invoice.total, invoice.currency))],
      invoice.amountPaid != null ? ['Paid', money(invoice.amountPaid, invoice.currency)] : null,
      // Why less is due than the total less the payments: present in the answer only when not zero.
      invoice.prePaymentCredited != null && invoice.prePaymentCreditedMinor !== 0 ? ['Credited before payment', money(invoice.prePaymentCredited, invoice.currency)] : null,
      invoice.amountRemaining != null ? ['Remaining', money(invoice.amountRemaining, invoice.currency)] : null,
      invoice.credited != null && invoice.creditedMinor !== 0 ? ['Credited by credit notes', money(invoice.credited, invoice.currency)] : null,
      ['Stripe invoice', invoice.stripeInvoiceId ?? 'not synced'],
      ['Ledger entry', h('a', { href: `#/ledger?entry=${encodeURIComponent(invoice.ledger.entryId)}` }, invoice.ledger.entryId), ' (check its proof)'],
    ])),
    h('div', { class: 'actions' }, csv, pdf), status,
    h('h2', {}, 'Lines'),
    table(['Meter', 'Description', 'Group', { text: 'Quantity', class: 'num' }, 'Unit', { text: 'Unit price', class: 'num' }, { text: 'Amount', class: 'num' }],
      invoice.lines.map(l => h('tr', {},
        h('td', { class: 'mono' }, l.meter),
        h('td', {}, l.description),
        h('td', { class: 'mono' }, Object.entries(l.group).map(([k, v]) => `${k}=${v}`).join(', ') || '—'),
        h('td', { class: 'num' }, l.quantity),
        h('td', {}, l.unit ?? '—'),
        h('td', { class: 'num' }, l.unitPrice),
        h('td', { class: 'num' }, money(l.amount, invoice.currency)))),
      { id: 'invoice-lines' }),
    h('p', {}, h('strong', {}, 'Total: ', money(invoice.total, invoice.currency))),
    ...creditNotes(invoice));
}

/** The Stripe credit notes recorded against the invoice (voided and unapplied ones too), as the PDF lists them; nothing when none. */
function creditNotes(invoice) {
  const notes = invoice.creditNotes ?? [];
  if (notes.length === 0) return [];
  return [h('h2', {}, 'Credit notes'),
    table(['Credit note', 'Issued (UTC)', { text: 'Amount', class: 'num' }, 'Effect'],
      notes.map(n => h('tr', {},
        h('td', { class: 'mono' }, n.id),
        h('td', {}, n.issuedAt),
        h('td', { class: 'num' }, money(n.amount, n.currency)),
        h('td', {}, effect(n)))),
      { id: 'invoice-credit-notes' })];
}

/** What a note did: void, not applied (why), or where its amount went. */
function effect(n) {
  if (n.status === 'void') return n.voidedAt ? `void since ${n.voidedAt}` : 'void';
  if (!n.applied) return `not applied (${n.reason})`;
  const parts = [[n.prePaymentMinor, 'off the amount due'], [n.refundedMinor, 'refunded'], [n.customerBalanceMinor, 'to the customer balance'], [n.outOfBandMinor, 'credited outside Stripe']]
    .filter(([minor]) => minor !== 0).map(([minor, what]) => `${minorMoney(minor, n.currency)} ${what}`);
  return parts.length === 0 ? 'applied' : parts.join('; ');
}

async function run(status, action) {
  status.replaceChildren(h('span', { class: 'muted' }, 'Downloading…'));
  try {
    await action();
    status.replaceChildren(h('span', { class: 'muted', id: 'download-done' }, 'Downloaded.'));
  } catch (error) {
    status.replaceChildren(problemBox(error));
  }
}
