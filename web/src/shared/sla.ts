import { i18n, translated } from '../i18n';
import { dueState, formatDuration, formatDueTime, formatNumber } from './time';

/**
 * SLA presentation logic shared by the inbox rows, the thread header and the timeline.
 * Pure functions of the GraphQL data and `now`, so the countdown re-renders from a ticking `now`.
 */

export type SlaTargetName = 'FIRST_RESPONSE' | 'NEXT_RESPONSE' | 'RESOLUTION';
export type SlaActionName = 'REMIND' | 'ALERT' | 'ESCALATE' | 'EXECUTIVE_ALERT';
export type SlaColor = 'gray' | 'orange' | 'red';

const TARGETS = ['FIRST_RESPONSE', 'NEXT_RESPONSE', 'RESOLUTION'] as const satisfies readonly SlaTargetName[];

/** A target in running text ("first response", nl "eerste reactie"), in the UI language. */
export const SLA_TARGET_WORDS: Record<SlaTargetName, string> = translated<SlaTargetName>(TARGETS, 'sla.target');

/** A target at the start of a sentence ("First response"), in the UI language. */
export const SLA_TARGET_TITLE: Record<SlaTargetName, string> = translated<SlaTargetName>(TARGETS, 'sla.targetTitle');

/** An escalation step's name ("SLA reminder"), in the UI language. */
export const SLA_ACTION_TITLE: Record<SlaActionName, string> = translated<SlaActionName>(['REMIND', 'ALERT', 'ESCALATE', 'EXECUTIVE_ALERT'], 'sla.action');

/** percentUsed → colour: below 75 % gray, 75–99 % orange, 100 % and above red. */
export function slaColor(percentUsed: number | null | undefined): SlaColor {
  if (percentUsed == null || Number.isNaN(percentUsed)) return 'gray';
  if (percentUsed >= 100) return 'red';
  if (percentUsed >= 75) return 'orange';
  return 'gray';
}

/** "<1m", "45m", "2h 10m", "3h", "1d 4h", "2d" (units in the UI language: nl "2 u 10 m", it "2h 10min"). */
export function countdownText(ms: number): string {
  return formatDuration(ms);
}

export interface ThreadSlaClocks {
  paused: boolean;
  percentUsed?: number | null;
  firstResponseDueAt?: string | null;
  nextResponseDueAt?: string | null;
  resolutionDueAt?: string | null;
}

export interface SlaCountdownInput {
  status?: string | null;
  /** Plain due date (channel SLA), used when the thread has no SLA policy. */
  responseDueAt?: string | null;
  overdue?: boolean | null;
  firstResponseAt?: string | null;
  resolvedAt?: string | null;
  sla?: ThreadSlaClocks | null;
}

export interface SlaCountdown {
  state: 'paused' | 'due' | 'overdue';
  /** The running target shown; null when paused or for the plain responseDueAt fallback. */
  target: SlaTargetName | null;
  /** "first response 2h 10m left", "resolution overdue 3h", "paused"; fallback: "due in 2h", "overdue 3h" (in the UI language). */
  label: string;
  color: SlaColor;
  dueAt: string | null;
  /** Percent used for the colour (the server's value, at least 100 once past due); null when unknown. */
  percentUsed: number | null;
  source: 'sla' | 'responseDueAt';
}

const DONE_STATUSES = new Set(['RESOLVED', 'CLOSED']);

/** The running clocks of a thread's SLA, due first first. */
export function runningSlaTargets(input: SlaCountdownInput): { target: SlaTargetName; dueAt: string }[] {
  const sla = input.sla;
  if (!sla || sla.paused || DONE_STATUSES.has(input.status ?? '')) return [];
  const out: { target: SlaTargetName; dueAt: string }[] = [];
  // Due dates of stopped clocks stay set (history): first response stops with the first reply,
  // resolution with resolvedAt; nextResponseDueAt is null unless a reply is owed.
  if (sla.firstResponseDueAt && !input.firstResponseAt) out.push({ target: 'FIRST_RESPONSE', dueAt: sla.firstResponseDueAt });
  if (sla.nextResponseDueAt) out.push({ target: 'NEXT_RESPONSE', dueAt: sla.nextResponseDueAt });
  if (sla.resolutionDueAt && !input.resolvedAt) out.push({ target: 'RESOLUTION', dueAt: sla.resolutionDueAt });
  return out.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
}

/**
 * What the countdown badge shows for a thread at `now`: the nearest running SLA target with the
 * time left (or overdue), "paused" while the clocks wait on the customer, coloured by percentUsed;
 * without an SLA policy (`sla` null) the plain responseDueAt label. null: nothing to show.
 */
export function slaCountdown(input: SlaCountdownInput, now: Date): SlaCountdown | null {
  const sla = input.sla;
  if (!sla) {
    const due = dueState(input.responseDueAt, input.overdue ?? false, now);
    if (!due) return null;
    return {
      state: due.kind,
      target: null,
      label: due.label,
      color: due.kind === 'overdue' ? 'red' : 'gray',
      dueAt: input.responseDueAt ?? null,
      percentUsed: null,
      source: 'responseDueAt',
    };
  }
  if (DONE_STATUSES.has(input.status ?? '')) return null;
  if (sla.paused) {
    return { state: 'paused', target: null, label: i18n.t('sla.paused'), color: 'gray', dueAt: null, percentUsed: sla.percentUsed ?? null, source: 'sla' };
  }
  const nearest = runningSlaTargets(input)[0];
  if (!nearest) return null;
  const left = Date.parse(nearest.dueAt) - now.getTime();
  const overdue = left < 0;
  // percentUsed is the server's value at query time; once the due date passes on the client clock it is ≥ 100.
  const pct = overdue ? Math.max(sla.percentUsed ?? 100, 100) : (sla.percentUsed ?? null);
  const words = SLA_TARGET_WORDS[nearest.target];
  return {
    state: overdue ? 'overdue' : 'due',
    target: nearest.target,
    label: overdue ? i18n.t('sla.targetOverdue', { target: words, time: countdownText(left) }) : i18n.t('sla.left', { target: words, time: countdownText(left) }),
    color: slaColor(pct),
    dueAt: nearest.dueAt,
    percentUsed: pct,
    source: 'sla',
  };
}

/** "14:30 CET" on the same day as `reference`, else "3 Mar 14:30 CET" (the user's time zone and language). */
export function dueTime(iso: string, reference: Date): string {
  return formatDueTime(iso, reference);
}

export interface SlaEventLike {
  action: SlaActionName;
  target: SlaTargetName;
  percentUsed: number;
  dueAt: string;
  firedAt: string;
}

/** "SLA reminder: first response 75 % (due 14:30 CET)", in the UI language. */
export function slaEventText(e: SlaEventLike): string {
  return i18n.t('sla.eventText', {
    action: SLA_ACTION_TITLE[e.action],
    target: SLA_TARGET_WORDS[e.target],
    percent: formatNumber(Math.round(e.percentUsed)),
    due: dueTime(e.dueAt, new Date(e.firedAt)),
  });
}
