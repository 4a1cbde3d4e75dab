// Usage: a payer's usage of one meter by hour, day or month, grouped by a dimension, as a stacked chart and tables.
import { getJson, getJsonResponse, query } from '../api.js';
import { h, integer, sum, table, stat, isoDate, rowMissingBox } from '../format.js';

const METERS = {
  'offload.bytes': { unit: 'bytes', dims: { hotspot: 'Hotspot', rat: 'RAT' } },
  'offload.sessions': { unit: 'sessions', dims: { hotspot: 'Hotspot', rat: 'RAT' } },
  'compute.gpu_seconds': { unit: 'GPU-seconds', dims: { gpuModel: 'GPU model', lease: 'Lease', provider: 'Provider' } },
};
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#393b79', '#637939'];

function metersFor(me) {
  if (me.role === 'Carrier') return ['offload.bytes', 'offload.sessions'];
  if (me.role === 'Tenant') return ['compute.gpu_seconds'];
  return Object.keys(METERS);
}

export default async function usage(root, { me, params }) {
  const meters = metersFor(me);
  const today = new Date();
  const f = {
    payer: params.get('payer') ?? (me.payer ? me.id : ''),
    meter: meters.includes(params.get('meter')) ? params.get('meter') : meters[0],
    window: params.get('window') ?? 'day',
    groupBy: params.get('groupBy') ?? '',
    from: params.get('from') ?? isoDate(new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - 6))),
    to: params.get('to') ?? isoDate(today),
  };
  const dims = METERS[f.meter].dims;

  // A payer reads only itself: its payer field is fixed. Finance and providers pick any payer (datalist of known ones).
  const payerInput = me.payer
    ? h('input', { id: 'f-payer', name: 'payer', value: f.payer, readonly: true, 'aria-readonly': 'true' })
    : h('input', { id: 'f-payer', name: 'payer', value: f.payer, list: 'payers', required: true, placeholder: 'e.g. carrier-tmo' });
  const form = h('form', { class: 'filters card', id: 'usage-form' },
    h('div', {}, h('label', { for: 'f-payer' }, 'Payer'), payerInput, h('datalist', { id: 'payers' })),
    h('div', {}, h('label', { for: 'f-meter' }, 'Meter'), h('select', { id: 'f-meter', name: 'meter' },
      meters.map(m => h('option', { value: m, selected: m === f.meter }, m)))),
    h('div', {}, h('label', { for: 'f-group' }, 'Group by'), h('select', { id: 'f-group', name: 'groupBy' },
      h('option', { value: '' }, '(none)'),
      Object.entries(dims).map(([k, v]) => h('option', { value: k, selected: k === f.groupBy }, v)))),
    h('div', {}, h('label', { for: 'f-window' }, 'Window'), h('select', { id: 'f-window', name: 'window' },
      ['hour', 'day', 'month'].map(w => h('option', { value: w, selected: w === f.window }, w)))),
    h('div', {}, h('label', { for: 'f-from' }, 'From (UTC)'), h('input', { id: 'f-from', name: 'from', type: 'date', value: f.from, required: true })),
    h('div', {}, h('label', { for: 'f-to' }, 'To (UTC, inclusive)'), h('input', { id: 'f-to', name: 'to', type: 'date', value: f.to, required: true })),
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    if (me.payer) data.payer = me.id;
    if (!(data.groupBy in METERS[data.meter].dims)) data.groupBy = '';
    location.hash = '#/usage' + query(data);
  });
  form.querySelector('#f-meter').addEventListener('change', () => form.requestSubmit());
  root.append(h('h1', {}, 'Usage'), form);
  if (!me.payer) fillPayers(form.querySelector('#payers'));
  if (!f.payer) {
    root.append(h('p', { class: 'muted' }, 'Choose a payer.'));
    return;
  }

  const to = new Date(f.to + 'T00:00:00Z');
  to.setUTCDate(to.getUTCDate() + 1); // the API's range is half-open: the inclusive end day's midnight after
  const { body: result, headers } = await getJsonResponse('/api/v1/usage' + query({ payer: f.payer, meter: f.meter, window: f.window, groupBy: f.groupBy, from: f.from, to: isoDate(to) }), ['quantity']);
  root.append(rowMissingBox(headers, f.payer));
  const unit = METERS[f.meter].unit;
  const groupKey = (row) => f.groupBy ? (row.group[f.groupBy] ?? '(none)') : 'all';
  const total = sum(result.rows.map(r => r.quantity));
  const byGroup = new Map();
  for (const row of result.rows) byGroup.set(groupKey(row), (byGroup.get(groupKey(row)) ?? 0n) + BigInt(row.quantity));
  const windows = [...new Set(result.rows.map(r => r.windowStart))].sort();

  root.append(
    h('div', { class: 'stats' },
      stat(`Total ${unit}`, integer(total), { id: 'usage-total', dataset: { total: total.toString() } }),
      stat('Windows with usage', String(windows.length)),
      stat(f.groupBy ? dims[f.groupBy] + 's' : 'Groups', String(byGroup.size))),
    h('p', { class: 'muted' }, `${result.payer} · ${result.meter} per ${result.window} · ${result.from} to ${result.to} (UTC, half-open)`));
  if (result.rows.length === 0) {
    root.append(h('p', {}, 'No usage in this range.'));
    return;
  }

  const canvas = h('canvas', { id: 'usage-chart', role: 'img', 'aria-label': `Stacked bar chart of ${result.meter} per ${result.window}, total ${integer(total)} ${unit}; the same data is in the tables below.` });
  root.append(h('div', { class: 'chart-box' }, canvas));
  drawChart(canvas, result.rows, windows, [...byGroup.keys()], groupKey);

  root.append(h('h2', {}, f.groupBy ? `Totals by ${dims[f.groupBy]}` : 'Totals'),
    table([f.groupBy ? dims[f.groupBy] : 'Group', { text: unit, class: 'num' }],
      [...byGroup.entries()].sort((a, b) => (b[1] > a[1]) - (b[1] < a[1])).map(([g, q]) =>
        h('tr', {}, h('td', { class: 'mono' }, g), h('td', { class: 'num', dataset: { quantity: q.toString() } }, integer(q)))),
      { id: 'usage-groups' }),
    h('details', {}, h('summary', {}, 'Data table (every window and group)'),
      table(['Window start (UTC)', 'Group', { text: unit, class: 'num' }],
        result.rows.map(r => h('tr', {}, h('td', {}, r.windowStart), h('td', { class: 'mono' }, groupKey(r)), h('td', { class: 'num' }, integer(r.quantity)))))));
}

function drawChart(canvas, rows, windows, groups, groupKey) {
  if (!window.Chart) {
    canvas.replaceWith(h('p', { class: 'muted' }, 'The chart library did not load; the tables below hold the data.'));
    return;
  }
  // Only the drawing uses floating point; every figure shown as text is exact.
  const shown = groups.slice(0, PALETTE.length - 1);
  const index = new Map(windows.map((w, i) => [w, i]));
  const series = new Map([...shown, ...(groups.length > shown.length ? ['other'] : [])].map(g => [g, new Array(windows.length).fill(0)]));
  for (const r of rows) {
    const g = series.has(groupKey(r)) ? groupKey(r) : 'other';
    series.get(g)[index.get(r.windowStart)] += Number(r.quantity);
  }
  new window.Chart(canvas, {
    type: 'bar',
    data: {
      labels: windows.map(w => w.replace('T', ' ').replace(/:00Z$|Z$/, '')),
      datasets: [...series.entries()].map(([g, data], i) => ({ label: g.length > 24 ? g.slice(0, 10) + '…' + g.slice(-10) : g, data, backgroundColor: PALETTE[i % PALETTE.length] })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
      plugins: { legend: { position: 'bottom' } },
    },
  });
}

async function fillPayers(list) {
  // Known payers: the partner registry when it answers, otherwise the payers of existing invoices.
  let payers = [];
  try {
    const r = await getJson('/api/v1/partners');
    payers = r.partners.filter(p => /^(carrier|tenant)$/i.test(p.role)).map(p => p.id);
  } catch {
    try { payers = [...new Set((await getJson('/api/v1/invoices')).invoices.map(i => i.payer))]; } catch { payers = []; }
  }
  list.replaceChildren(...payers.sort().map(p => h('option', { value: p })));
}
