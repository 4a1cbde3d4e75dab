// Partners (finance): the registry as GET /api/v1/partners lists it.
import { getJson } from '../api.js';
import { h, table, badge, short } from '../format.js';

export default async function partners(root) {
  root.append(h('h1', {}, 'Partners'));
  const { partners: list } = await getJson('/api/v1/partners');
  root.append(table(['Id', 'Name', 'Role', 'Plan', 'Billing email', 'Stripe customer', 'Status', 'Keys', 'Created (UTC)'],
    list.map(p => h('tr', { dataset: { partner: p.id } },
      h('td', { class: 'mono' }, p.id),
      h('td', {}, p.displayName ?? ''),
      h('td', {}, p.role),
      h('td', {}, p.plan ?? '—', p.pendingPlan ? h('div', { class: 'muted' }, `→ ${p.pendingPlan} from ${p.pendingPlanFrom ?? 'next period'}`) : null),
      h('td', {}, p.billingEmail ?? '—'),
      h('td', {}, p.stripeCustomerId ? short(p.stripeCustomerId) : '—'),
      h('td', {}, badge(p.status ?? 'active')),
      h('td', { class: 'num' }, String(p.keys?.length ?? 0)),
      h('td', {}, (p.createdAt ?? '').replace('T', ' ').slice(0, 19)))),
    { id: 'partner-list' }));
}
