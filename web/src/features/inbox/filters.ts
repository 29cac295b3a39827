import type { ThreadFilter } from '../../gql/graphql';

export const INBOX_VIEWS = [
  // label: the English name; the tab shows i18n `inbox.views.<value>`.
  { value: 'all', label: 'All', filter: {} },
  { value: 'email', label: 'Email', filter: { channelType: ['EMAIL_OUTLOOK'] } },
  { value: 'whatsapp', label: 'WhatsApp', filter: { channelType: ['WHATSAPP_BUSINESS'] } },
  { value: 'tasks', label: 'Tasks', filter: { hasOpenTasks: true } },
  // At risk (≥ 75 % of a running SLA clock used) or breached.
  { value: 'overdue', label: 'Overdue', filter: { sla: ['AT_RISK', 'BREACHED'] } },
  { value: 'mine', label: 'Mine', filter: { mine: true } },
] as const satisfies ReadonlyArray<{ value: string; label: string; filter: ThreadFilter }>;

export type InboxView = (typeof INBOX_VIEWS)[number]['value'];

/** The team queue tab (team leads and up): unassigned threads of one team, oldest first. */
export const QUEUE_VIEW = 'queue';

export function isInboxView(v: string | null): v is InboxView {
  return INBOX_VIEWS.some((x) => x.value === v);
}

/** Thread statuses that still wait for someone (a resolved or closed unassigned thread is not queued). */
export const QUEUE_STATUSES = ['OPEN', 'IN_PROGRESS', 'ESCALATED', 'WAITING_INTERNAL', 'WAITING_CUSTOMER'] as const;

/** The `ThreadFilter` of a team's queue: unassigned, of the team, still open; with the search box text. */
export function queueFilterFor(teamId: string, search: string): ThreadFilter {
  const filter: ThreadFilter = { unassigned: true, teamId, status: [...QUEUE_STATUSES] };
  const q = search.trim();
  if (q) filter.search = q;
  return filter;
}

/** Builds the `ThreadFilter` variable for a tab + search box. */
export function threadFilterFor(view: InboxView, search: string): ThreadFilter {
  const base = INBOX_VIEWS.find((v) => v.value === view)?.filter ?? {};
  const filter: ThreadFilter = { ...base } as ThreadFilter;
  const q = search.trim();
  if (q) filter.search = q;
  return filter;
}
