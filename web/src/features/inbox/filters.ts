import type { ThreadFilter, ThreadOrder } from '../../gql/graphql';
import { INBOX_VIEWS, STATUS_CHOICES, type InboxView, type StatusChoice } from './views';

export * from './views';

/** The team queue tab (team leads and up): unassigned threads of one team, oldest first. */
export const QUEUE_VIEW = 'queue';

export function isInboxView(v: string | null): v is InboxView {
  return INBOX_VIEWS.some((x) => x.value === v);
}

/** The sort menu (URL value → ThreadOrder); the first is the default. */
export const SORT_CHOICES = [
  { value: 'newest', order: 'LAST_MESSAGE_AT_DESC' },
  { value: 'waiting', order: 'WAITING_LONGEST' },
  { value: 'due', order: 'RESPONSE_DUE_AT_ASC' },
  { value: 'priority', order: 'PRIORITY_DESC' },
] as const satisfies ReadonlyArray<{ value: string; order: ThreadOrder }>;

export type SortChoice = (typeof SORT_CHOICES)[number]['value'];
export const DEFAULT_SORT: SortChoice = 'newest';

/** Row densities: compact fits ≥ 15 rows on a 900 px-high window. */
export const DENSITIES = ['comfortable', 'compact'] as const;
export type Density = (typeof DENSITIES)[number];
/** localStorage key of the last density chosen (the URL's `density` wins). */
export const DENSITY_STORAGE_KEY = 'hub.inbox.density';

/** Everything that decides which threads the list shows, as kept in the URL search params. */
export interface InboxParams {
  /** `view`: a tab (default all) or the team queue. */
  view: InboxView | typeof QUEUE_VIEW;
  /** `status`: comma-separated StatusChoice values; [] = any status. */
  status: StatusChoice[];
  /** `sort` (default newest). */
  sort: SortChoice;
  /** `q`: the search box text. */
  q: string;
  /** `density`, else the stored one, else comfortable. */
  density: Density;
}

function storedDensity(): Density | null {
  try {
    const v = typeof localStorage === 'undefined' ? null : localStorage.getItem(DENSITY_STORAGE_KEY);
    return (DENSITIES as readonly string[]).includes(v ?? '') ? (v as Density) : null;
  } catch {
    return null;
  }
}

/** Remembers the density for the next visit without a `density` param. */
export function storeDensity(d: Density): void {
  try {
    localStorage.setItem(DENSITY_STORAGE_KEY, d);
  } catch {
    // private mode: the URL still carries it
  }
}

/** Reads the inbox filter from URL search params (unknown values fall back to the defaults). */
export function readInboxParams(params: URLSearchParams): InboxParams {
  const v = params.get('view');
  const view = v === QUEUE_VIEW ? QUEUE_VIEW : isInboxView(v) ? v : 'all';
  const status = (params.get('status') ?? '')
    .split(',')
    .filter((s): s is StatusChoice => STATUS_CHOICES.some((c) => c.value === s))
    .filter((s, i, all) => all.indexOf(s) === i);
  const s = params.get('sort');
  const sort = SORT_CHOICES.some((c) => c.value === s) ? (s as SortChoice) : DEFAULT_SORT;
  const d = params.get('density');
  const density = (DENSITIES as readonly string[]).includes(d ?? '') ? (d as Density) : (storedDensity() ?? 'comfortable');
  return { view, status, sort, q: params.get('q') ?? '', density };
}

/**
 * A copy of `params` with `patch` applied; defaults are left out of the URL (view all, sort
 * newest, no status, empty q) so a plain inbox stays `/`. Other params (e.g. `team`) are kept.
 */
export function writeInboxParams(params: URLSearchParams, patch: Partial<InboxParams>): URLSearchParams {
  const next = new URLSearchParams(params);
  const set = (key: string, value: string | null) => {
    if (value) next.set(key, value);
    else next.delete(key);
  };
  if (patch.view !== undefined) set('view', patch.view === 'all' ? null : patch.view);
  if (patch.status !== undefined) set('status', patch.status.join(','));
  if (patch.sort !== undefined) set('sort', patch.sort === DEFAULT_SORT ? null : patch.sort);
  if (patch.q !== undefined) set('q', patch.q.trim());
  if (patch.density !== undefined) set('density', patch.density);
  return next;
}

/** The ThreadOrder of a sort choice. */
export function orderFor(sort: SortChoice): ThreadOrder {
  return SORT_CHOICES.find((c) => c.value === sort)?.order ?? 'LAST_MESSAGE_AT_DESC';
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
