// Ledger: verification against the anchors on chain and reconciliation of the books (finance), the proof check of one
// entry, and the latest entries (finance).
import { getJson, query } from '../api.js';
import { h, table, badge, short, explorerLink, stat, facts, problemBox, ledgerAmount, utcTime } from '../format.js';

export default async function ledger(root, { me, config, params }) {
  const entry = params.get('entry') ?? '';
  root.append(h('h1', {}, 'Ledger'));
  const form = h('form', { class: 'filters card', id: 'proof-form' },
    h('div', {}, h('label', { for: 'l-entry' }, 'Entry id (e.g. an invoice\'s ledger entry)'), h('input', { id: 'l-entry', name: 'entry', value: entry, size: 40, required: true })),
    h('button', { type: 'submit' }, 'Check proof'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = '#/ledger' + query(Object.fromEntries(new FormData(form)));
  });
  const proofBox = h('div', { id: 'proof' });
  if (me.role === 'Finance') {
    await verify(root, config);
    await reconcile(root);
  }
  root.append(h('h2', {}, 'Proof of one entry'), form, proofBox);
  if (entry) await proof(proofBox, entry, config);
  if (me.role === 'Finance') await latest(root);
}

async function verify(root, config) {
  root.append(h('h2', {}, 'Verification'));
  try {
    const v = await getJson('/api/v1/ledger/verify');
    root.append(
      h('div', { class: 'stats', id: 'verify' },
        stat('Book', v.ok ? badge('verified') : badge('mismatch'), { id: 'verify-status', dataset: { ok: String(v.ok) } }),
        stat('Entries', String(v.entries)),
        stat('Anchors on chain', String(v.anchors)),
        stat('Pending anchors', String(v.pendingAnchors))),
      h('div', { class: 'card' }, facts([
        ['Ledger', v.ledger ?? '—'],
        ['Anchor authority', v.authority ? explorerLink(config, 'address', v.authority) : '—'],
      ])));
    if (v.problems.length) root.append(h('ul', { class: 'problem', role: 'alert' }, v.problems.map(p => h('li', {}, p))));
  } catch (error) {
    root.append(problemBox(error));
  }
}

// What the other pages' warnings refer to: every mismatch between invoices, payments, burns and entries, and what
// waits for a close. Pending never makes the books wrong (the API's ok ignores it), so it is listed apart, and so are
// the findings finance acknowledged as settled outside the platform.
async function reconcile(root) {
  root.append(h('h2', {}, 'Reconciliation'));
  try {
    const r = await getJson('/api/v1/ledger/reconcile');
    root.append(h('div', { class: 'stats', id: 'reconcile' },
      stat('Books', r.ok ? badge('reconciled') : badge('mismatch'), { id: 'reconcile-status', dataset: { ok: String(r.ok) } }),
      stat('Mismatches', String(r.mismatches.length)),
      stat('Pending', String(r.pending.length)),
      stat('Checked', `invoices ${r.invoices} · payments ${r.payments} · burns ${r.burns} · entries ${r.entries}`)));
    if (r.mismatches.length) root.append(findings(r.mismatches, 'reconcile-mismatches'));
    else root.append(h('p', { class: 'muted' }, 'No mismatch.'));
    if (r.pending.length) {
      root.append(h('h3', {}, 'Pending: the next period close bills these'), findings(r.pending, 'reconcile-pending'));
    }
    const acknowledged = r.acknowledged || [];
    if (acknowledged.length) {
      root.append(h('h3', {}, 'Acknowledged: settled outside the platform'),
        table(['Kind', 'Subject', 'Detail', 'Acknowledged'],
          acknowledged.map(a => h('tr', { dataset: { kind: a.kind } },
            h('td', {}, a.kind), h('td', { class: 'mono' }, a.subject), h('td', {}, a.detail),
            h('td', {}, `${a.note} (${a.acknowledgedBy}, ${a.acknowledgedAt})`))),
          { id: 'reconcile-acknowledged' }));
    }
  } catch (error) {
    root.append(problemBox(error));
  }
}

function findings(list, id) {
  return table(['Kind', 'Subject', 'Detail'],
    list.map(f => h('tr', { dataset: { kind: f.kind } }, h('td', {}, f.kind), h('td', { class: 'mono' }, f.subject), h('td', {}, f.detail))),
    { id });
}

async function proof(box, entryId, config) {
  try {
    const p = await getJson(`/api/v1/ledger/proof/${encodeURIComponent(entryId)}`);
    box.append(h('div', { class: 'card' }, facts([
      ['Result', p.verified ? badge('verified') : badge('failed')],
      ['Entry', h('span', { class: 'mono' }, p.entryId)],
      ['Sequence', String(p.sequence)],
      ['Hash', h('span', { class: 'mono' }, p.hash)],
      ['Kind', p.entry.kind],
      ['Occurred at', p.entry.occurredAt],
      ['Anchor', `${p.anchor.ledger}/${p.anchor.book}, entries ${p.anchor.fromSeq}–${p.anchor.toSeq}, ${p.anchor.status}`],
      ['Merkle root', h('span', { class: 'mono' }, p.anchor.root)],
      ['Anchor transaction', explorerLink(config, 'tx', p.anchor.signature)],
      ['Proof', `${p.proof.length} step(s)`],
    ])), table(['Account', 'Asset', { text: 'Amount', class: 'num' }],
      p.entry.postings.map(x => h('tr', {}, h('td', { class: 'mono' }, x.account), h('td', {}, x.asset), h('td', { class: 'num', title: `${x.amount} minor/base units` }, ledgerAmount(x.amount, x.asset))))),
    h('p', { class: 'muted' }, 'Independent check: billing invoices verify / billing ledger verify --entry recompute this against the chain (see README).'));
  } catch (error) {
    box.append(problemBox(error));
  }
}

async function latest(root) {
  const head = await getJson('/api/v1/ledger/entries?limit=1');
  root.append(h('h2', {}, 'Latest entries'));
  if (!head.head) {
    // The head row cannot be read (changed outside the platform): the verify box above names it.
    root.append(h('p', {}, 'The book\'s head cannot be read; see the verification above.'));
    return;
  }
  const last = head.head.sequence;
  if (!last) {
    root.append(h('p', {}, 'The book is empty.'));
    return;
  }
  const page = await getJson('/api/v1/ledger/entries' + query({ from: Math.max(1, last - 19), limit: 20 }));
  root.append(table(['Seq', 'Entry', 'Kind', 'Occurred (UTC)', 'Postings', 'Hash', ''],
    page.entries.slice().reverse().map(e => h('tr', {},
      h('td', { class: 'num' }, String(e.sequence)),
      h('td', {}, short(e.entryId, 14)),
      h('td', {}, e.kind),
      h('td', {}, utcTime(e.occurredAt)),
      h('td', { class: 'mono lines' }, e.postings.map(p => `${p.account} ${ledgerAmount(p.amount, p.asset)}`).join('\n')),
      h('td', {}, short(e.hash)),
      h('td', {}, h('a', { href: '#/ledger' + query({ entry: e.entryId }) }, 'proof')))),
    { id: 'entry-list' }));
}
