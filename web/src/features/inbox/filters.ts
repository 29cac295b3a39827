import type { ThreadFilter } from '../../gql/graphql';

export const INBOX_VIEWS = [
  { value: 'all', label: 'All', filter: {} },
  { value: 'email', label: 'Email', filter: { channelType: ['EMAIL_OUTLOOK'] } },
  { value: 'whatsapp', label: 'WhatsApp', filter: { channelType: ['WHATSAPP_BUSINESS'] } },
  { value: 'tasks', label: 'Tasks', filter: { hasOpenTasks: true } },
  { value: 'overdue', label: 'Overdue', filter: { overdue: true } },
  { value: 'mine', label: 'Mine', filter: { mine: true } },
] as const satisfies ReadonlyArray<{ value: string; label: string; filter: ThreadFilter }>;

export type InboxView = (typeof INBOX_VIEWS)[number]['value'];

export function isInboxView(v: string | null): v is InboxView {
  return INBOX_VIEWS.some((x) => x.value === v);
}

/** Builds the `ThreadFilter` variable for a tab + search box. */
export function threadFilterFor(view: InboxView, search: string): ThreadFilter {
  const base = INBOX_VIEWS.find((v) => v.value === view)?.filter ?? {};
  const filter: ThreadFilter = { ...base } as ThreadFilter;
  const q = search.trim();
  if (q) filter.search = q;
  return filter;
}
