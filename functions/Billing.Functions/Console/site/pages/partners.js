// Partners (finance): the registry as GET /api/v1/partners lists it. A payer's providers are those whose usage may
// name it as payer ("none": nobody else may bill it); they are changed with PATCH (billing partners update --providers).
import { getJson } from '../api.js';
import { h, table, badge, short, unreadableBox, utcTime } from '../format.js';

export default async function partners(root) {
  root.append(h('h1', {}, 'Partners'));
  const { partners: list, unreadable } = await getJson('/api/v1/partners');
  root.append(unreadableBox('partner', (unreadable ?? []).map(u => `${u.id} (${u.reason})`), 'unreadable-partners',
    'until they are mended their keys are refused and their usage is not metered or billed: '));
  root.append(table(['Id', 'Name', 'Role', 'Plan', 'Billing email', 'Stripe customer', 'Status', 'Providers allowed to bill', 'Keys', 'Created (UTC)'],
    list.map(p => h('tr', { dataset: { partner: p.id } },
      h('td', { class: 'mono' }, p.id),
      h('td', {}, p.displayName ?? ''),
      h('td', {}, p.role),
      h('td', {}, p.plan ?? '—', p.pendingPlan ? h('div', { class: 'muted' }, `→ ${p.pendingPlan} from ${p.pendingPlanFrom ?? 'next period'}`) : null),
      h('td', {}, p.billingEmail ?? '—'),
      h('td', {}, p.stripeCustomerId ? short(p.stripeCustomerId) : '—'),
      h('td', {}, badge(p.status ?? 'active')),
      h('td', { class: 'providers' }, p.role === 'carrier' || p.role === 'tenant' ? ((p.providers ?? []).join(', ') || 'none') : '—'),
      h('td', { class: 'num' }, String(p.keys?.length ?? 0)),
      h('td', {}, utcTime(p.createdAt)))),
    { id: 'partner-list' }));
}
