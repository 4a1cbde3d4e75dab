// Quarantine (every partner its own, finance all): events accepted with a 202 that metering set aside, and one of them
// with its payload as received. Partner-sent text is only ever put in text nodes (h() never parses HTML).
import { getJson, query } from '../api.js';
import { h, table, badge, facts } from '../format.js';

const KINDS = ['invalid', 'conflict', 'malformed', 'unstorable'];
const time = (t) => (t ?? '').replace('T', ' ').slice(0, 19);

export default async function quarantine(root, { me, arg, params }) {
  if (arg) {
    await detail(root, arg);
    return;
  }

  const finance = me.role === 'Finance';
  const filters = { kind: params.get('kind') ?? '', source: finance ? params.get('source') ?? '' : '', after: params.get('after') ?? '' };
  const form = h('form', { class: 'filters card' },
    h('div', {}, h('label', { for: 'q-kind' }, 'Kind'),
      h('select', { id: 'q-kind', name: 'kind' }, ['', ...KINDS].map(k => h('option', { value: k, selected: k === filters.kind }, k || 'all')))),
    finance ? h('div', {}, h('label', { for: 'q-source' }, 'Source (empty = all)'), h('input', { id: 'q-source', name: 'source', value: filters.source })) : null,
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = '#/quarantine' + query(Object.fromEntries(new FormData(form)));
  });
  root.append(h('h1', {}, 'Quarantine'),
    h('p', { class: 'muted' }, 'Events that passed ingestion but were not counted: an id already metered with other content (conflict), ',
      'not an event (malformed), refused by storage (unstorable) or invalid at metering. Nothing is dropped: each is kept with its reasons and its payload.'),
    form);

  const page = await getJson('/api/v1/quarantine' + query(filters));
  if (page.events.length === 0) {
    root.append(h('p', { id: 'quarantine-empty' }, filters.after ? 'No more events.' : 'Nothing quarantined.'));
    return;
  }

  root.append(table(['Kind', 'Source', 'Event id', 'Quarantined (UTC)', 'Reasons', { text: 'Payload', class: 'num' }],
    page.events.map(e => h('tr', { dataset: { event: e.eventId ?? '' } },
      h('td', {}, badge(e.kind)),
      h('td', { class: 'mono' }, e.source ?? '—'),
      h('td', {}, h('a', { href: `#/quarantine/${encodeURIComponent(e.id)}` }, e.eventId ?? '(no id)')),
      h('td', { class: 'nowrap' }, time(e.quarantinedAt)),
      h('td', { class: 'lines' }, (e.reasons ?? []).join('\n') || e.unstored || ''),
      h('td', { class: 'num' }, e.rawLength != null ? `${e.rawLength} chars` : '—'))),
    { id: 'quarantine-list' }));
  if (page.next) {
    root.append(h('p', {}, h('a', { id: 'quarantine-next', href: '#/quarantine' + query({ ...filters, after: page.next }) }, 'Next page')));
  }
}

async function detail(root, id) {
  const { event: e, raw, existingRaw } = await getJson('/api/v1/quarantine/' + encodeURIComponent(id));
  root.append(
    h('p', {}, h('a', { href: '#/quarantine' }, '← Quarantine')),
    h('h1', {}, `Quarantined event ${e.eventId ?? '(no id)'}`),
    facts([
      ['Kind', badge(e.kind)],
      ['Source', e.source],
      ['Quarantined (UTC)', time(e.quarantinedAt)],
      ['From', `hub ${e.hub}, partition ${e.partitionId ?? '—'}, sequence number ${e.sequenceNumber ?? '—'}`],
      ['Payload', `${e.rawLength ?? '—'} characters, SHA-256 ${e.rawSha256 ?? '—'}`],
      e.unstored ? ['Not stored', e.unstored] : null,
    ]),
    h('h2', {}, 'Reasons'),
    h('ul', { id: 'quarantine-reasons' }, (e.reasons ?? []).map(r => h('li', {}, r))),
    h('h2', {}, 'Payload as received'),
    h('pre', { id: 'quarantine-raw', class: 'mono payload' }, raw ?? '(not kept)'),
    ...(existingRaw != null ? [h('h2', {}, 'The version counted (metered first)'), h('pre', { id: 'quarantine-existing', class: 'mono payload' }, existingRaw)] : []));
}
