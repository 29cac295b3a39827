import { Badge, Tooltip, type BadgeProps } from '@mantine/core';
import { IconClock, IconClockExclamation, IconPlayerPause } from '@tabler/icons-react';
import { i18n } from '../../i18n';
import { SLA_TARGET_TITLE, dueTime, slaCountdown, type SlaCountdown, type SlaCountdownInput } from '../../shared/sla';
import { formatDateTime, formatNumber } from '../../shared/time';

/** "First response due 3 Mar 2026, 14:30 CET · 80 % used", in the user's language and time zone. */
function tooltipOf(c: SlaCountdown): string {
  if (c.state === 'paused') return i18n.t('sla.pausedTooltip');
  const due = c.dueAt ? formatDateTime(c.dueAt, { withZone: true }) : '';
  const what = c.target ? SLA_TARGET_TITLE[c.target] : i18n.t('sla.response');
  const pct = c.percentUsed != null ? ` · ${i18n.t('sla.percentUsed', { percent: formatNumber(Math.round(c.percentUsed)) })}` : '';
  return `${i18n.t('sla.dueTooltip', { what, due })}${pct}`;
}

/**
 * The SLA countdown of a thread at `now` (the caller ticks `now`, e.g. every 30 s):
 * nearest running target with time left, "paused", or the plain due date without policy;
 * the tooltip gives the due date and time with its zone.
 */
export function SlaBadge(props: {
  thread: SlaCountdownInput;
  now: Date;
  size?: BadgeProps['size'] /** Also the due time with its zone ("· 14:30 CET"). */;
  withDueTime?: boolean;
}) {
  const c = slaCountdown(props.thread, props.now);
  if (!c) return null;
  const Icon = c.state === 'paused' ? IconPlayerPause : c.state === 'overdue' ? IconClockExclamation : IconClock;
  const size = props.size ?? 'xs';
  return (
    <Tooltip label={tooltipOf(c)} withArrow openDelay={300}>
      <Badge
        size={size}
        variant={c.color === 'red' ? 'filled' : c.color === 'orange' ? 'light' : 'outline'}
        color={c.color}
        leftSection={<Icon size={size === 'xs' ? 11 : 13} />}
        data-testid="due-label"
        data-sla-color={c.color}
        data-sla-state={c.state}
        style={{ flexShrink: 0 }}
      >
        {c.label}
        {props.withDueTime && c.dueAt && c.state !== 'paused' && <span data-testid="due-time"> · {dueTime(c.dueAt, props.now)}</span>}
      </Badge>
    </Tooltip>
  );
}
