// Payments and burns (finance): every burn intent with its status, and the invoices' payment status.
import { getJson, getJsonResponse, query } from '../api.js';
import { h, units, table, badge, short, explorerLink, stat, unreadableBox } from '../format.js';

export default async function payments(root, { config, params }) {
  const invoiceId = params.get('invoiceId') ?? '';
  const form = h('form', { class: 'filters card' },
    h('div', {}, h('label', { for: 'b-invoice' }, 'Invoice (empty = all)'), h('input', { id: 'b-invoice', name: 'invoiceId', value: invoiceId })),
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = '#/payments' + query(Object.fromEntries(new FormData(form)));
  });
  root.append(h('h1', {}, 'Payments & burns'), form);

  const [{ body: burns, headers }, invoices] = await Promise.all([getJsonResponse('/api/v1/burns' + query({ invoiceId })), getJson('/api/v1/invoices')]);
  const counts = new Map();
  for (const i of invoices.invoices) counts.set(i.status, (counts.get(i.status) ?? 0) + 1);
  // Rows changed outside the platform: named by the API (a header for the burns' bare array), never counted or shown as burns.
  const unreadableBurns = (headers.get('Billing-Unreadable-Burns') ?? '').split(',').filter(Boolean).map(decodeURIComponent);
  root.append(
    h('h2', {}, 'Invoice payment status'),
    h('div', { class: 'stats', id: 'payment-status' }, [...counts.entries()].sort().map(([s, n]) => stat(s, String(n)))),
    unreadableBox('invoice', (invoices.unreadable ?? []).map(u => u.id), 'unreadable-invoices'),
    h('h2', {}, 'Burns'),
    unreadableBox('burn', unreadableBurns, 'unreadable-burns'),
    h('p', { class: 'muted' }, `Signatures link to the Solana explorer for the ${config.cluster} cluster.`));
  if (burns.length === 0) {
    root.append(h('p', {}, 'No burns yet: a burn follows a paid invoice.'));
    return;
  }
  root.append(table(['Burn', 'Invoice', 'Payer', { text: 'Paid', class: 'num' }, { text: 'Tokens', class: 'num' }, 'Status', 'Signature', 'Slot', 'Reason', 'Updated (UTC)'],
    burns.map(b => h('tr', { dataset: { burn: b.id } },
      h('td', {}, short(b.id)),
      h('td', {}, h('a', { href: `#/invoices/${encodeURIComponent(b.invoiceId)}` }, b.invoiceId)),
      h('td', { class: 'nowrap' }, b.payer),
      h('td', { class: 'num' }, `${units(b.usdMinor, 2)} ${b.currency}`),
      h('td', { class: 'num', title: `${b.tokenAmount} base units` }, units(b.tokenAmount, b.decimals)),
      h('td', {}, badge(b.status)),
      h('td', {}, explorerLink(config, 'tx', b.signature)),
      h('td', { class: 'num' }, b.slot != null ? String(b.slot) : '—'),
      h('td', {}, b.reason ?? ''),
      h('td', {}, b.updatedAt.replace('T', ' ').slice(0, 19)))),
    { id: 'burn-list' }));
}
