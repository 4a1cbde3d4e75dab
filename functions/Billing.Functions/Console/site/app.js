// The console shell: sign-in, navigation by role, and a hash router (#/page/arg?query) so every view is a link.
import { session, getJson } from './api.js';
import { h, problemBox, useCurrencies } from './format.js';
import usage from './pages/usage.js';
import invoices from './pages/invoices.js';
import payments from './pages/payments.js';
import ledger from './pages/ledger.js';
import partners from './pages/partners.js';
import quarantine from './pages/quarantine.js';

// Who may open what: the API enforces it anyway; the console only offers what the role can read.
const PAGES = [
  { id: 'usage', title: 'Usage', render: usage, roles: ['Carrier', 'Tenant', 'Provider', 'Finance'] },
  { id: 'invoices', title: 'Invoices', render: invoices, roles: ['Carrier', 'Tenant', 'Finance'] },
  { id: 'payments', title: 'Payments & burns', render: payments, roles: ['Finance'] },
  { id: 'ledger', title: 'Ledger', render: ledger, roles: ['Carrier', 'Tenant', 'Finance'] },
  { id: 'partners', title: 'Partners', render: partners, roles: ['Finance'] },
  { id: 'quarantine', title: 'Quarantine', render: quarantine, roles: ['Carrier', 'Tenant', 'Provider', 'Finance'] },
];

const $ = (id) => document.getElementById(id);
const state = { me: null, config: null, token: 0 };

function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [pathPart, queryPart = ''] = hash.split('?');
  const [page, ...rest] = pathPart.split('/').filter(Boolean);
  const params = new URLSearchParams(queryPart);
  try {
    return { page, arg: rest.map(decodeURIComponent).join('/') || null, params };
  } catch {
    // Bad percent-encoding (a truncated or mistyped link) names nothing: the page says so instead of staying blank.
    return { page, arg: null, params, badLink: true };
  }
}

function badLinkBox(current) {
  return h('div', { class: 'problem', role: 'alert', dataset: { status: 'bad-link' } },
    h('strong', {}, 'Bad link'), ': this address is not valid percent-encoding (was it cut short when copied?), so it names ',
    `nothing on the ${current.title} page. `, h('a', { href: `#/${current.id}` }, `Open ${current.title}`), ' and follow the link from there.');
}

function showSignIn(error) {
  state.me = null;
  $('nav').hidden = $('who').hidden = $('signout').hidden = true;
  $('page').replaceChildren();
  $('signin').hidden = false;
  $('signin-error').replaceChildren(error ? problemBox(error) : '');
  $('apikey').value = '';
  $('apikey').focus();
  document.title = 'Sign in · Billing console';
}

async function signIn(key) {
  session.key = key;
  try {
    state.me = await getJson('/api/v1/me');
  } catch (error) {
    session.clear();
    showSignIn(error);
    return;
  }
  $('signin').hidden = true;
  $('who').textContent = `${state.me.id} · ${state.me.role}`;
  $('who').hidden = $('signout').hidden = $('nav').hidden = false;
  $('nav').replaceChildren(...allowedPages().map(p => h('a', { href: `#/${p.id}`, id: `nav-${p.id}` }, p.title)));
  await render();
}

const allowedPages = () => PAGES.filter(p => p.roles.includes(state.me?.role));

async function render() {
  if (!state.me) return;
  const { page, arg, params, badLink } = route();
  const allowed = allowedPages();
  const current = allowed.find(p => p.id === page);
  if (!current) {
    location.replace(`#/${allowed[0].id}`);
    return;
  }
  for (const a of $('nav').querySelectorAll('a')) {
    if (a.id === `nav-${current.id}`) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  document.title = `${current.title} · Billing console`;
  const token = ++state.token; // a newer navigation wins over a slower, older one
  const container = h('section', { 'aria-busy': 'true', dataset: { page: current.id, render: String(token) } });
  $('page').replaceChildren(container);
  try {
    if (badLink) container.append(badLinkBox(current));
    else await current.render(container, { me: state.me, config: state.config, arg, params, isCurrent: () => token === state.token });
  } catch (error) {
    if (error?.status === 401) { session.clear(); showSignIn(error); return; }
    container.append(problemBox(error));
  } finally {
    container.setAttribute('aria-busy', 'false');
    container.dataset.ready = 'true';
  }
}

async function start() {
  try {
    state.config = await (await fetch('config.json', { cache: 'no-store' })).json();
  } catch {
    state.config = { cluster: 'mainnet-beta', explorer: 'https://explorer.solana.com', customUrl: null, currencies: {} };
  }
  useCurrencies(state.config.currencies);
  $('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    // The key lives in sessionStorage only: the hidden form keeps no copy of it for the page's lifetime.
    const key = $('apikey').value.trim();
    $('apikey').value = '';
    signIn(key);
  });
  $('signout').addEventListener('click', () => {
    session.clear();
    location.hash = '';
    showSignIn();
  });
  window.addEventListener('hashchange', render);
  if (session.key) await signIn(session.key); else showSignIn();
}

start();
