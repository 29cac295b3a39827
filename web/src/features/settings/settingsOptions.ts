import { i18n } from '../../i18n';
import { CHANNEL_LABEL } from '../../shared/ChannelIcon';
import { PRIORITY_LABEL } from '../../shared/labels';
import { intlLocale } from '../../shared/time';

/**
 * Select options whose labels are read in the current UI language on every render
 * (`label` is a getter, so the module-level lists below never freeze a language).
 */
function options<V extends string | number>(values: readonly V[], label: (v: V) => string): { value: V; label: string }[] {
  return values.map((value) => ({
    value,
    get label() {
      return label(value);
    },
  }));
}

/** "CUSTOMER_SUPPORT" → "Customer support". */
export function humanize(value: string): string {
  const s = value.toLowerCase().replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const CHANNEL_TYPE_OPTIONS = options(Object.keys(CHANNEL_LABEL), (v) => CHANNEL_LABEL[v as keyof typeof CHANNEL_LABEL]);
export const PRIORITY_OPTIONS = options(Object.keys(PRIORITY_LABEL), (v) => PRIORITY_LABEL[v as keyof typeof PRIORITY_LABEL]);
export const CUSTOMER_TIER_OPTIONS = options(['STANDARD', 'BUSINESS', 'PREMIUM', 'PARTNER'], (v) => i18n.t(`tier.${v}`));
export const THREAD_TYPE_OPTIONS = options(
  ['CUSTOMER_SUPPORT', 'TECHNICAL_ISSUE', 'INSTALLATION_COORDINATION', 'SALES_INQUIRY', 'COMPLAINT', 'PARTNER_INQUIRY', 'PROJECT_DISCUSSION', 'INTERNAL_TASK'],
  (v) => threadTypeLabel(v),
);

/** A thread type in the UI language ("Installation coordination", nl "Installatieplanning"). */
export function threadTypeLabel(value: string): string {
  return i18n.t(`threadType.${value}`, { defaultValue: humanize(value) });
}

export const SLA_ACTION_OPTIONS = options(['REMIND', 'ALERT', 'ESCALATE', 'EXECUTIVE_ALERT'], (v) => i18n.t(`settings.options.slaAction.${v}`));

export const SLA_NOTIFY_OPTIONS = options(['ASSIGNEE', 'TEAM_LEAD', 'MANAGERS', 'ADMINS'], (v) => i18n.t(`settings.options.notify.${v}`));

export const ASSIGNMENT_STRATEGY_OPTIONS = options(['ROUND_ROBIN', 'LEAST_LOADED', 'MANUAL'], (v) => i18n.t(`settings.options.strategy.${v}`));

/** ISO weekday (1 = Monday … 7 = Sunday). */
export const WEEKDAYS = options([1, 2, 3, 4, 5, 6, 7] as const, (day) =>
  // 2024-01-01 was a Monday: day d is 2024-01-0d. Capitalised ("Maandag", "Lunedì").
  capitalise(new Intl.DateTimeFormat(intlLocale(), { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2024, 0, day)))),
);

function capitalise(s: string): string {
  return s.charAt(0).toLocaleUpperCase() + s.slice(1);
}

/** Public-holiday countries offered (ISO 3166-1 alpha-2; the API checks date-holidays supports it). */
export const HOLIDAY_COUNTRY_OPTIONS = options(
  ['NL', 'IT', 'BE', 'DE', 'FR', 'ES', 'AT', 'CH', 'LU', 'GB', 'IE', 'PT', 'DK', 'SE', 'NO', 'PL', 'US'],
  // The country's name in the UI language (Intl.DisplayNames): "Netherlands (NL)", nl "Nederland (NL)".
  (code) => `${new Intl.DisplayNames([intlLocale()], { type: 'region' }).of(code) ?? code} (${code})`,
);

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
