/**
 * The `analyticsUpdated` pulse: reporting events recorded in an organization
 * are announced on pub/sub at most once every 3 s per organization and
 * server instance (trailing: the first event waits 1 s so that its
 * transaction has committed when the dashboard re-queries).
 */
import type { ReportingEventKind } from '../../generated/prisma/enums.js';
import type { AppDeps } from '../../shared/app.js';

/** Minimum gap between two updates of one organization, in ms. */
export const PULSE_INTERVAL_MS = 3000;
/** Delay of the first update after a quiet period, in ms. */
export const PULSE_DELAY_MS = 1000;

interface OrgPulse {
  kinds: Set<ReportingEventKind>;
  timer: NodeJS.Timeout | null;
  last: number;
}

const pulses = new WeakMap<AppDeps, Map<string, OrgPulse>>();

/** Announces (throttled) that events of these kinds were recorded in the organization. */
export function touchAnalytics(deps: AppDeps, organizationId: string, kinds: readonly ReportingEventKind[]): void {
  let orgs = pulses.get(deps);
  if (!orgs) pulses.set(deps, (orgs = new Map()));
  let p = orgs.get(organizationId);
  if (!p) orgs.set(organizationId, (p = { kinds: new Set(), timer: null, last: 0 }));
  for (const k of kinds) p.kinds.add(k);
  if (p.timer) return;
  const pulse = p;
  const wait = Math.max(PULSE_DELAY_MS, pulse.last + PULSE_INTERVAL_MS - Date.now());
  pulse.timer = setTimeout(() => {
    pulse.timer = null;
    pulse.last = Date.now();
    const list = [...pulse.kinds];
    pulse.kinds.clear();
    try {
      deps.pubsub.publish('analyticsUpdated', organizationId, { organizationId, kinds: list, at: new Date().toISOString() });
    } catch (err) {
      deps.logger.warn({ err }, 'analyticsUpdated not published');
    }
  }, wait);
  pulse.timer.unref();
}

/** Cancels the pending announcements of this app (called on close, before pub/sub disconnects). */
export function stopAnalyticsPulses(deps: AppDeps): void {
  const orgs = pulses.get(deps);
  if (!orgs) return;
  for (const p of orgs.values()) if (p.timer) clearTimeout(p.timer);
  pulses.delete(deps);
}
