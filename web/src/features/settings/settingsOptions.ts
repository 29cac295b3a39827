import { CHANNEL_LABEL } from '../../shared/ChannelIcon';
import { PRIORITY_LABEL } from '../../shared/labels';

/** "CUSTOMER_SUPPORT" → "Customer support". */
export function humanize(value: string): string {
  const s = value.toLowerCase().replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const CHANNEL_TYPE_OPTIONS = Object.entries(CHANNEL_LABEL).map(([value, label]) => ({ value, label }));
export const PRIORITY_OPTIONS = Object.entries(PRIORITY_LABEL).map(([value, label]) => ({ value, label }));
export const CUSTOMER_TIER_OPTIONS = ['STANDARD', 'BUSINESS', 'PREMIUM', 'PARTNER'].map((value) => ({ value, label: humanize(value) }));
export const THREAD_TYPE_OPTIONS = [
  'CUSTOMER_SUPPORT',
  'TECHNICAL_ISSUE',
  'INSTALLATION_COORDINATION',
  'SALES_INQUIRY',
  'COMPLAINT',
  'PARTNER_INQUIRY',
  'PROJECT_DISCUSSION',
  'INTERNAL_TASK',
].map((value) => ({ value, label: humanize(value) }));

export const SLA_ACTION_OPTIONS = [
  { value: 'REMIND', label: 'Remind' },
  { value: 'ALERT', label: 'Alert' },
  { value: 'ESCALATE', label: 'Escalate' },
  { value: 'EXECUTIVE_ALERT', label: 'Executive alert' },
];

export const SLA_NOTIFY_OPTIONS = [
  { value: 'ASSIGNEE', label: 'Assignee' },
  { value: 'TEAM_LEAD', label: 'Team lead' },
  { value: 'MANAGERS', label: 'Managers' },
  { value: 'ADMINS', label: 'Admins' },
];

export const ASSIGNMENT_STRATEGY_OPTIONS = [
  { value: 'ROUND_ROBIN', label: 'Round robin (longest waiting agent)' },
  { value: 'LEAST_LOADED', label: 'Least loaded (fewest open threads)' },
  { value: 'MANUAL', label: 'Manual (threads wait in the queue)' },
];

/** ISO weekday (1 = Monday … 7 = Sunday). */
export const WEEKDAYS = [
  { value: 1, label: 'Monday' },
  { value: 2, label: 'Tuesday' },
  { value: 3, label: 'Wednesday' },
  { value: 4, label: 'Thursday' },
  { value: 5, label: 'Friday' },
  { value: 6, label: 'Saturday' },
  { value: 7, label: 'Sunday' },
] as const;

/** Public-holiday countries offered (ISO 3166-1 alpha-2; the API checks date-holidays supports it). */
export const HOLIDAY_COUNTRY_OPTIONS = [
  { value: 'NL', label: 'Netherlands (NL)' },
  { value: 'IT', label: 'Italy (IT)' },
  { value: 'BE', label: 'Belgium (BE)' },
  { value: 'DE', label: 'Germany (DE)' },
  { value: 'FR', label: 'France (FR)' },
  { value: 'ES', label: 'Spain (ES)' },
  { value: 'AT', label: 'Austria (AT)' },
  { value: 'CH', label: 'Switzerland (CH)' },
  { value: 'LU', label: 'Luxembourg (LU)' },
  { value: 'GB', label: 'United Kingdom (GB)' },
  { value: 'IE', label: 'Ireland (IE)' },
  { value: 'PT', label: 'Portugal (PT)' },
  { value: 'DK', label: 'Denmark (DK)' },
  { value: 'SE', label: 'Sweden (SE)' },
  { value: 'NO', label: 'Norway (NO)' },
  { value: 'PL', label: 'Poland (PL)' },
  { value: 'US', label: 'United States (US)' },
];

const FALLBACK_TIMEZONES = [
  'Europe/Amsterdam',
  'Europe/Rome',
  'Europe/Brussels',
  'Europe/Berlin',
  'Europe/Paris',
  'Europe/Madrid',
  'Europe/Vienna',
  'Europe/Zurich',
  'Europe/London',
  'Europe/Dublin',
  'Europe/Lisbon',
  'UTC',
];

/** IANA time zones of the browser (Intl), or a short European list. */
export function timezoneOptions(current?: string | null): string[] {
  let zones: string[] = [];
  try {
    const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
    zones = intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    zones = [];
  }
  if (zones.length === 0) zones = FALLBACK_TIMEZONES;
  if (!zones.includes('UTC')) zones = [...zones, 'UTC'];
  if (current && !zones.includes(current)) zones = [current, ...zones];
  return zones;
}

/** "4h", "1h 30m", "2d", "45s"… for a number of seconds; "—" for null. */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds == null) return '—';
  if (seconds < 60) return `${seconds}s`;
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return [d && `${d}d`, h && `${h}h`, m && `${m}m`, s && `${s}s`].filter(Boolean).join(' ');
}
