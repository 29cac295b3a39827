import { differenceInMinutes, formatDistanceToNowStrict, isToday, format } from 'date-fns';
import { useEffect, useState } from 'react';

/** Re-render every `intervalMs` so relative times stay fresh. */
export function useNow(intervalMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}

/** Compact "5m", "3h", "2d" distance. */
export function shortDistance(minutes: number): string {
  const m = Math.max(0, Math.round(Math.abs(minutes)));
  if (m < 60) return `${m}m`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.round(h / 24)}d`;
}

export function relativeTime(iso: string): string {
  return formatDistanceToNowStrict(new Date(iso), { addSuffix: true });
}

export function listTime(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  const minutes = differenceInMinutes(now, d);
  if (minutes < 1) return 'now';
  if (minutes < 60 * 24) return shortDistance(minutes);
  return isToday(d) ? format(d, 'HH:mm') : format(d, 'd MMM');
}

export function messageTime(iso: string): string {
  const d = new Date(iso);
  return isToday(d) ? format(d, 'HH:mm') : format(d, 'd MMM yyyy, HH:mm');
}

export type DueState = { kind: 'overdue' | 'due'; label: string } | null;

/** "overdue 3h" when flagged overdue (or past due), "due in 2h" otherwise; null when no SLA. */
export function dueState(
  responseDueAt: string | null | undefined,
  overdue: boolean,
  now: Date = new Date(),
): DueState {
  if (!responseDueAt) return overdue ? { kind: 'overdue', label: 'overdue' } : null;
  const minutes = differenceInMinutes(new Date(responseDueAt), now);
  if (overdue || minutes < 0) return { kind: 'overdue', label: `overdue ${shortDistance(minutes)}` };
  return { kind: 'due', label: `due in ${shortDistance(minutes)}` };
}

export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join('');
}
