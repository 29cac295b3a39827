import type { ThreadFilter, ThreadStatus } from '../../gql/graphql';

/*
 * The inbox's tabs and status choices as ThreadFilter values: no DOM or React here, so the
 * benchmarks (bench/large/run.ts) ask the server what the web app asks (re-exported by filters.ts).
 */

/**
 * The inbox's views (tabs). Every view but Snoozed hides snoozed threads (`snoozed: false`);
 * the tab shows i18n `inbox.views.<value>`.
 */
export const INBOX_VIEWS = [
  // label: the English name; the tab shows i18n `inbox.views.<value>`.
  { value: 'all', label: 'All', filter: { snoozed: false } },
  { value: 'mine', label: 'Mine', filter: { mine: true, snoozed: false } },
  { value: 'unassigned', label: 'Unassigned', filter: { unassigned: true, snoozed: false } },
  { value: 'team', label: 'Team', filter: { myTeams: true, snoozed: false } },
  { value: 'email', label: 'Email', filter: { channelType: ['EMAIL_OUTLOOK'], snoozed: false } },
  { value: 'whatsapp', label: 'WhatsApp', filter: { channelType: ['WHATSAPP_BUSINESS'], snoozed: false } },
  { value: 'tasks', label: 'Tasks', filter: { hasOpenTasks: true, snoozed: false } },
  // At risk (≥ 75 % of a running SLA clock used) or breached.
  { value: 'overdue', label: 'Overdue', filter: { sla: ['AT_RISK', 'BREACHED'], snoozed: false } },
  { value: 'snoozed', label: 'Snoozed', filter: { snoozed: true } },
] as const satisfies ReadonlyArray<{ value: string; label: string; filter: ThreadFilter }>;

export type InboxView = (typeof INBOX_VIEWS)[number]['value'];

/**
 * The status filter's choices (URL value → statuses). "waiting" covers both waiting statuses.
 * Order: as shown in the multi-select.
 */
export const STATUS_CHOICES = [
  { value: 'open', statuses: ['OPEN'] },
  { value: 'in_progress', statuses: ['IN_PROGRESS'] },
  { value: 'waiting', statuses: ['WAITING_CUSTOMER', 'WAITING_INTERNAL'] },
  { value: 'escalated', statuses: ['ESCALATED'] },
  { value: 'resolved', statuses: ['RESOLVED'] },
  { value: 'closed', statuses: ['CLOSED'] },
] as const satisfies ReadonlyArray<{ value: string; statuses: readonly ThreadStatus[] }>;

export type StatusChoice = (typeof STATUS_CHOICES)[number]['value'];

/** The ThreadStatus values of the chosen status filter ([] → undefined: any status). */
export function statusesFor(choices: readonly StatusChoice[]): ThreadStatus[] | undefined {
  if (choices.length === 0) return undefined;
  return STATUS_CHOICES.filter((c) => choices.includes(c.value)).flatMap((c) => [...c.statuses]);
}

/** Builds the `ThreadFilter` variable for a tab + search box + status filter (StatusChoice values). */
export function threadFilterFor(view: InboxView, search: string, status: readonly StatusChoice[] = []): ThreadFilter {
  const base = INBOX_VIEWS.find((v) => v.value === view)?.filter ?? {};
  const filter: ThreadFilter = { ...base } as ThreadFilter;
  const statuses = statusesFor(status);
  if (statuses) filter.status = statuses;
  const q = search.trim();
  if (q) filter.search = q;
  return filter;
}
