// Ledger: verification against the anchors on chain and reconciliation of the books (finance), finance's acknowledgement
// of a finding settled outside the platform, the proof check of one entry, and the latest entries (finance). Text from
// the API (details, notes) only ever goes into text nodes (h() never parses HTML).
import { getJson, postJson, query } from '../api.js';
import { h, table, badge, short, explorerLink, stat, facts, problemBox, ledgerAmount, utcTime, duration } from '../format.js';
import { nextFormNumber, fieldErrors, problemFieldErrors, checkNote } from '../forms.js';

const MAX_NOTE = 500; // ReconcileAcknowledgement.MaxNoteChars

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
  if (me.role !== 'Finance') {
    root.append(h('h2', {}, 'Proof of one entry'), form, proofBox);
    if (entry) await proof(proofBox, entry, config);
    return;
  }

  // Finance's parts, each in a box of its own: an acknowledgement books an entry, so all three are read again after one.
  const verifyBox = h('div', {}), books = h('div', {}), latestBox = h('div', {});
  const answer = h('div', { id: 'acknowledge-answer', 'aria-live': 'polite', tabindex: '-1' });
  const readAll = () => Promise.all([verify(verifyBox, config), reconcile(books, afterAcknowledge), latest(latestBox)]);
  async function afterAcknowledge(message) {
    answer.replaceChildren(...message);
    await readAll();
    answer.focus(); // the form it came from is gone: say what happened where the keyboard is
  }
  root.append(verifyBox, h('h2', {}, 'Reconciliation'), answer, books, h('h2', {}, 'Proof of one entry'), form, proofBox, latestBox);
  const proofRead = entry ? proof(proofBox, entry, config) : null;
  await readAll();
  await proofRead;
}

async function verify(box, config) {
  const parts = [h('h2', {}, 'Verification')];
  try {
    const v = await getJson('/api/v1/ledger/verify');
    parts.push(
      h('div', { class: 'stats', id: 'verify' },
        stat('Book', v.ok ? badge('verified') : badge('mismatch'), { id: 'verify-status', dataset: { ok: String(v.ok) } }),
        stat('Entries', String(v.entries)),
        stat('Anchors on chain', String(v.anchors)),
        stat('Pending anchors', String(v.pendingAnchors))),
      h('div', { class: 'card' }, facts([
        ['Ledger', v.ledger ?? '—'],
        ['Anchor authority', v.authority ? explorerLink(config, 'address', v.authority) : '—'],
        // The stall window verify judged by: an outside verifier (billing ledger verify --rpc) needs the same one.
        ['Chain silence allowed', h('span', { id: 'chain-silence', dataset: { seconds: String(v.maxChainSilenceSeconds) } },
          `${duration(v.maxChainSilenceSeconds)}, then AnchoringStalled`)],
      ])));
    if (v.problems.length) parts.push(h('ul', { class: 'problem', role: 'alert' }, v.problems.map(p => h('li', {}, p))));
  } catch (error) {
    parts.push(problemBox(error));
  }
  box.replaceChildren(...parts);
}

// What the other pages' warnings refer to: every mismatch between invoices, payments, burns and entries, and what
// waits for a close. Pending never makes the books wrong (the API's ok ignores it), so it is listed apart, and so are
// the findings finance acknowledged as settled outside the platform.
async function reconcile(box, onAcknowledged) {
  const parts = [];
  try {
    const r = await getJson('/api/v1/ledger/reconcile');
    parts.push(h('div', { class: 'stats', id: 'reconcile' },
      stat('Books', r.ok ? badge('reconciled') : badge('mismatch'), { id: 'reconcile-status', dataset: { ok: String(r.ok) } }),
      stat('Mismatches', String(r.mismatches.length)),
      stat('Pending', String(r.pending.length)),
      stat('Checked', `invoices ${r.invoices} · payments ${r.payments} · burns ${r.burns} · entries ${r.entries}`)));
    if (r.mismatches.length) parts.push(mismatches(r.mismatches, onAcknowledged));
    else parts.push(h('p', { class: 'muted' }, 'No mismatch.'));
    if (r.pending.length) {
      parts.push(h('h3', {}, 'Pending: the next period close bills these'),
        table(['Kind', 'Subject', 'Detail'], r.pending.map(f => findingRow(f)), { id: 'reconcile-pending' }));
    }
    const acknowledged = r.acknowledged || [];
    if (acknowledged.length) {
      parts.push(h('h3', {}, 'Acknowledged: settled outside the platform'),
        table(['Kind', 'Subject', 'Detail', 'Acknowledged'],
          acknowledged.map(a => findingRow(a, h('td', {}, `${a.note} (${a.acknowledgedBy}, ${a.acknowledgedAt})`))),
          { id: 'reconcile-acknowledged' }));
    }
  } catch (error) {
    parts.push(problemBox(error));
  }
  box.replaceChildren(...parts);
}

const findingRow = (f, ...more) => h('tr', { dataset: { kind: f.kind, subject: f.subject } },
  h('td', {}, f.kind), h('td', { class: 'mono' }, f.subject), h('td', {}, f.detail), more);

/** The mismatches; one the API marks acknowledgeable (money settled outside by design) has an Acknowledge action. */
function mismatches(list, onAcknowledged) {
  return table(['Kind', 'Subject', 'Detail', ''], list.map(f => {
    if (f.acknowledgeable !== true) return findingRow(f, h('td', {}));
    const [open, form] = acknowledgeControl(f, onAcknowledged);
    return [findingRow(f, h('td', {}, open)), form];
  }), { id: 'reconcile-mismatches' });
}

/**
 * Acknowledge: a form under the finding stating what is acknowledged (kind, subject, the whole detail as read and its
 * digest) and asking for the note; Confirm checks the note here (a refused one sends nothing) and posts the digest
 * reconcile gave with this row, so what is acknowledged is what was read; Cancel sends nothing. A detail that changed
 * since (409 naming detailSha256) or a finding gone (404) is said above the list, which is read again; any other
 * problem stays in the form, its field errors next to the note.
 */
function acknowledgeControl(f, onAcknowledged) {
  const n = nextFormNumber();
  const fields = { note: h('textarea', { id: `acknowledge-note-${n}`, name: 'note', rows: 2, cols: 60, spellcheck: 'true' }) };
  const { lines: errors, show: showErrors } = fieldErrors(fields);
  const confirm = h('button', { type: 'submit', class: 'acknowledge-confirm' }, 'Confirm');
  const cancel = h('button', { type: 'button', class: 'secondary acknowledge-cancel' }, 'Cancel');
  const problem = h('div', { class: 'acknowledge-problem', 'aria-live': 'polite' });
  const form = h('form', { class: 'acknowledge-form', novalidate: true, 'aria-labelledby': `acknowledge-title-${n}` },
    h('p', { class: 'acknowledge-title', id: `acknowledge-title-${n}` }, 'Acknowledge this finding as settled outside the platform'),
    h('div', { class: 'acknowledge-what' }, facts([['Kind', f.kind], ['Subject', h('span', { class: 'mono' }, f.subject)], ['Detail', f.detail], ['Detail SHA-256', h('span', { class: 'mono' }, f.detailSha256)]])),
    h('p', { class: 'muted' }, 'Your note is booked in the ledger as evidence (no money moves) and the finding is listed as acknowledged until its detail changes. It cannot be withdrawn.'),
    h('div', { class: 'acknowledge-note' }, h('label', { for: fields.note.id }, `Note: why it needs nothing more from the platform (one line, at most ${MAX_NOTE} characters; kept in the ledger)`), fields.note, errors.note),
    h('div', { class: 'actions' }, confirm, cancel),
    problem);
  const row = h('tr', { class: 'acknowledge-more', id: `acknowledge-${n}`, hidden: true, dataset: { subject: f.subject } }, h('td', { colspan: 4 }, form));
  const open = h('button', { type: 'button', class: 'acknowledge-open secondary', 'aria-expanded': 'false', 'aria-controls': row.id }, 'Acknowledge…');
  const shown = (yes) => {
    row.hidden = !yes;
    open.setAttribute('aria-expanded', String(yes));
  };
  open.addEventListener('click', () => {
    shown(row.hidden);
    if (!row.hidden) fields.note.focus();
  });
  const close = () => {
    problem.replaceChildren();
    showErrors({});
    shown(false);
    open.focus();
  };
  cancel.addEventListener('click', close);
  form.addEventListener('keydown', (e) => { if (e.key === 'Escape' && !cancel.disabled) close(); });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    problem.replaceChildren();
    const { note, error } = checkNote(fields.note.value, MAX_NOTE, 'say why it needs nothing more from the platform; it is kept in the ledger');
    showErrors({ note: error });
    if (error) {
      fields.note.focus();
      return;
    }
    confirm.disabled = cancel.disabled = true;
    problem.replaceChildren(h('span', { class: 'muted' }, 'Acknowledging…'));
    try {
      const answer = await postJson('/api/v1/ledger/reconcile/acknowledgements', { kind: f.kind, subject: f.subject, detailSha256: f.detailSha256, note });
      const entries = answer.acknowledged.map(a => a.entryId).join(', ');
      await onAcknowledged([h('p', { class: 'acknowledge-ok' }, answer.replay
        ? `Acknowledged ${f.kind} about ${f.subject} before (the first note stands; nothing booked now): entry ${entries}.`
        : `Acknowledged ${f.kind} about ${f.subject}: booked as entry ${entries}; it is listed under Acknowledged below.`)]);
    } catch (error) {
      if ((error?.status === 409 && error.problem?.errors?.some(x => x.field === 'detailSha256')) || error?.status === 404) {
        await onAcknowledged([h('p', { class: 'acknowledge-changed' },
          `Nothing was acknowledged: ${f.kind} about ${f.subject} changed since this page read it. The list below is read again: read what it says now before acknowledging it.`), problemBox(error)]);
        return;
      }
      problem.replaceChildren(problemBox(error));
      showErrors(problemFieldErrors(error, fields));
    } finally {
      confirm.disabled = cancel.disabled = false;
    }
  });
  return [open, row];
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

async function latest(box) {
  let list;
  try {
    list = await entryList();
  } catch (error) {
    list = problemBox(error);
  }
  box.replaceChildren(h('h2', {}, 'Latest entries'), list);
}

async function entryList() {
  const head = await getJson('/api/v1/ledger/entries?limit=1');
  if (!head.head) {
    // The head row cannot be read (changed outside the platform): the verify box above names it.
    return h('p', {}, 'The book\'s head cannot be read; see the verification above.');
  }
  const last = head.head.sequence;
  if (!last) return h('p', {}, 'The book is empty.');
  const page = await getJson('/api/v1/ledger/entries' + query({ from: Math.max(1, last - 19), limit: 20 }));
  return table(['Seq', 'Entry', 'Kind', 'Occurred (UTC)', 'Postings', 'Hash', ''],
    page.entries.slice().reverse().map(e => h('tr', { dataset: { entry: e.entryId } },
      h('td', { class: 'num' }, String(e.sequence)),
      h('td', {}, short(e.entryId, 14)),
      h('td', {}, e.kind),
      h('td', {}, utcTime(e.occurredAt)),
      h('td', { class: 'mono lines' }, e.postings.map(p => `${p.account} ${ledgerAmount(p.amount, p.asset)}`).join('\n')),
      h('td', {}, short(e.hash)),
      h('td', {}, h('a', { href: '#/ledger' + query({ entry: e.entryId }) }, 'proof')))),
    { id: 'entry-list' });
}
