// Quarantine (every partner its own, finance all): events accepted with a 202 that metering set aside, and one of them
// with its payload as received and its replays. Finance may replay one (POST …/replay) from the list or the event's page:
// the answer (metered, duplicate, or the API's 409/422 problem) is shown in place, without reloading the page.
// Partner-sent text is only ever put in text nodes (h() never parses HTML).
import { getJson, postJson, query } from '../api.js';
import { h, table, badge, facts, problemBox, utcTime as time } from '../format.js';

const KINDS = ['invalid', 'conflict', 'malformed', 'unstorable', 'overlap'];
const REPLAYED = [['', 'all'], ['true', 'replayed'], ['false', 'never replayed']];

/** A replay record: outcome, when (UTC) and by whom; a dash when the event was never replayed. */
const replayText = (r) => r ? [badge(r.outcome), ' ', h('span', { class: 'nowrap' }, time(r.at)), ` by ${r.by}`] : '—';

export default async function quarantine(root, { me, arg, params }) {
  const finance = me.role === 'Finance';
  if (arg) {
    await detail(root, arg, finance);
    return;
  }

  const filters = {
    kind: params.get('kind') ?? '', source: finance ? params.get('source') ?? '' : '', replayed: params.get('replayed') ?? '', after: params.get('after') ?? '',
  };
  const form = h('form', { class: 'filters card' },
    h('div', {}, h('label', { for: 'q-kind' }, 'Kind'),
      h('select', { id: 'q-kind', name: 'kind' }, ['', ...KINDS].map(k => h('option', { value: k, selected: k === filters.kind }, k || 'all')))),
    h('div', {}, h('label', { for: 'q-replayed' }, 'Replayed'),
      h('select', { id: 'q-replayed', name: 'replayed' }, REPLAYED.map(([v, text]) => h('option', { value: v, selected: v === filters.replayed }, text)))),
    finance ? h('div', {}, h('label', { for: 'q-source' }, 'Source (empty = all)'), h('input', { id: 'q-source', name: 'source', value: filters.source })) : null,
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = '#/quarantine' + query(Object.fromEntries(new FormData(form)));
  });
  root.append(h('h1', {}, 'Quarantine'),
    h('p', { class: 'muted' }, 'Events that passed ingestion but were not counted: an id already metered with other content (conflict), ',
      'not an event (malformed), refused by storage (unstorable), a lease interval or carrier session window another event of it counts already (overlap) ',
      'or invalid at metering. Nothing is dropped: each is kept with its reasons and its payload.',
      finance ? ' Replay puts one back through metering once its cause is fixed; it counts at most once.' : ''),
    form);

  // A page stops after reading 10,000 rows, so one may be empty and still have a next (replayed=false after most events
  // were replayed): read on, a few pages at most, before showing an empty page.
  let page = await getJson('/api/v1/quarantine' + query(filters));
  for (let pages = 1; page.events.length === 0 && page.next && pages < 10; pages++) {
    page = await getJson('/api/v1/quarantine' + query({ ...filters, after: page.next }));
  }

  const next = page.next ? h('p', {}, h('a', { id: 'quarantine-next', href: '#/quarantine' + query({ ...filters, after: page.next }) }, 'Next page')) : null;
  if (page.events.length === 0) {
    root.append(h('p', { id: 'quarantine-empty' }, page.next ? 'None among the events read so far; more follow.' : filters.after ? 'No more events.' : 'Nothing quarantined.'));
    if (next) root.append(next);
    return;
  }

  const headers = ['Kind', 'Source', 'Event id', 'Quarantined (UTC)', 'Reasons', { text: 'Payload', class: 'num' }, 'Replay record'];
  root.append(table(finance ? [...headers, 'Replay'] : headers,
    page.events.map(e => {
      const record = h('td', { class: 'replay-record' }, replayText(e.replay));
      return h('tr', { dataset: { event: e.eventId ?? '', id: e.id } },
        // Set aside more than once: the count beside the kind (the time shown is the first delivery's).
        h('td', {}, badge(e.kind), e.deliveries > 1 ? h('span', { class: 'deliveries muted', title: `set aside ${e.deliveries} times` }, ` ×${e.deliveries}`) : null),
        h('td', { class: 'mono' }, e.source ?? '—'),
        h('td', {}, h('a', { href: `#/quarantine/${encodeURIComponent(e.id)}` }, e.eventId ?? '(no id)')),
        h('td', { class: 'nowrap' }, time(e.quarantinedAt)),
        h('td', { class: 'lines' }, (e.reasons ?? []).join('\n') || e.unstored || ''),
        h('td', { class: 'num' }, e.rawLength != null ? `${e.rawLength} chars` : '—'),
        record,
        finance ? h('td', {}, replayControl(e.id, (event) => record.replaceChildren(...[replayText(event.replay)].flat()))) : null);
    }),
    { id: 'quarantine-list' }));
  if (next) {
    root.append(next);
  }
}

/**
 * A Replay button and the place its answer goes. `shown` gets the event as it stands after the replay: from a 200 answer,
 * or read again after a problem (a 422 records the replay too).
 */
function replayControl(id, shown) {
  const answer = h('div', { class: 'replay-answer', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'replay secondary' }, 'Replay');
  button.addEventListener('click', async () => {
    button.disabled = true;
    answer.replaceChildren(h('span', { class: 'muted' }, 'Replaying…'));
    const path = '/api/v1/quarantine/' + encodeURIComponent(id);
    try {
      const result = await postJson(path + '/replay');
      answer.replaceChildren(h('div', { class: 'replay-ok', dataset: { outcome: result.outcome } }, badge(result.outcome), ' ', result.detail));
      shown(result.event);
    } catch (error) {
      answer.replaceChildren(problemBox(error));
      try { shown((await getJson(path)).event); } catch { /* the answer above says what went wrong */ }
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'replay-control' }, button, answer);
}

async function detail(root, id, finance) {
  const { event: e, raw, existingRaw } = await getJson('/api/v1/quarantine/' + encodeURIComponent(id));
  const record = h('dd', { id: 'quarantine-replay' }, replayText(e.replay));
  const history = h('ol', { id: 'quarantine-replays' });
  const latest = h('div', { id: 'quarantine-latest' });
  // After a replay too: one set aside again with other reasons records them as the latest.
  const showReplays = (event) => {
    record.replaceChildren(...[replayText(event.replay)].flat());
    history.replaceChildren(...(event.replays ?? []).map(r => h('li', {}, replayText(r))));
    latest.replaceChildren(...(event.latestReasons
      ? [h('h2', {}, `Latest reasons, when they differed (${time(event.latestReasonsAt)})`), h('ul', { id: 'quarantine-latest-reasons' }, event.latestReasons.map(r => h('li', {}, r)))]
      : []));
  };
  showReplays(e);
  root.append(
    h('p', {}, h('a', { href: '#/quarantine' }, '← Quarantine')),
    h('h1', {}, `Quarantined event ${e.eventId ?? '(no id)'}`),
    facts([
      ['Kind', badge(e.kind)],
      ['Source', e.source],
      ['Quarantined first (UTC)', time(e.quarantinedAt)],
      ['From', `hub ${e.hub}, partition ${e.partitionId ?? '—'}, sequence number ${e.sequenceNumber ?? '—'}`],
      ['Payload', `${e.rawLength ?? '—'} characters, SHA-256 ${e.rawSha256 ?? '—'}`],
      e.unstored ? ['Not stored', e.unstored] : null,
      // The facts above are the first delivery's; a redelivery only counts itself.
      e.deliveries > 1 ? ['Set aside', `${e.deliveries} times, last ${time(e.lastSeenAt)} (partition ${e.lastPartitionId ?? '—'}, sequence number ${e.lastSequenceNumber ?? '—'})`] : null,
    ]),
    h('h2', {}, 'Reasons'),
    h('ul', { id: 'quarantine-reasons' }, (e.reasons ?? []).map(r => h('li', {}, r))),
    latest,
    h('h2', {}, 'Replays'),
    h('dl', { class: 'facts' }, h('dt', {}, 'Record (the one that counted it, else the last)'), record),
    history,
    finance ? replayControl(id, showReplays) : null,
    h('h2', {}, 'Payload as received'),
    h('pre', { id: 'quarantine-raw', class: 'mono payload' }, raw ?? '(not kept)'),
    ...(existingRaw != null ? [h('h2', {}, 'The version counted (metered first)'), h('pre', { id: 'quarantine-existing', class: 'mono payload' }, existingRaw)] : []));
}
