import { Badge, Tooltip, type BadgeProps } from '@mantine/core';
import { IconClock, IconClockExclamation, IconPlayerPause } from '@tabler/icons-react';
import { format } from 'date-fns';
import { SLA_TARGET_WORDS, slaCountdown, type SlaCountdown, type SlaCountdownInput } from '../../shared/sla';

function tooltipOf(c: SlaCountdown): string {
  if (c.state === 'paused') return 'SLA paused: waiting on the customer';
  const due = c.dueAt ? format(new Date(c.dueAt), 'd MMM yyyy, HH:mm') : '';
  const what = c.target ? `${SLA_TARGET_WORDS[c.target][0]!.toUpperCase()}${SLA_TARGET_WORDS[c.target].slice(1)}` : 'Response';
  const pct = c.percentUsed != null ? ` · ${Math.round(c.percentUsed)} % used` : '';
  return `${what} due ${due}${pct}`;
}

/**
 * The SLA countdown of a thread at `now` (the caller ticks `now`, e.g. every 30 s):
 * nearest running target with time left, "paused", or the plain due date without policy.
 */
export function SlaBadge(props: { thread: SlaCountdownInput; now: Date; size?: BadgeProps['size'] }) {
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
      </Badge>
    </Tooltip>
  );
}
