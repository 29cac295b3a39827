/**
 * The agent's availability for automatic assignment (issue 6 §4): a switch in
 * the header (ONLINE / AWAY / OFFLINE, `setAvailability`). While ONLINE and the
 * tab is visible, the inbox sends a heartbeat every HEARTBEAT_MS so the server
 * keeps the agent ONLINE (it marks agents AWAY after 5 minutes without one);
 * after IDLE_MS without keyboard or pointer input the switch goes to AWAY. The
 * agent chooses to go ONLINE: signing in alone does not start assignment.
 */
import { useMutation } from '@apollo/client/react';
import { SegmentedControl, Tooltip } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { graphql } from '../../gql';
import type { UserAvailability } from '../../gql/graphql';
import { useTranslation } from 'react-i18next';

export const HEARTBEAT_MS = 60_000;
export const IDLE_MS = 5 * 60_000;

const SetAvailabilityMutation = graphql(`
  mutation SetAvailability($availability: UserAvailability!) {
    setAvailability(availability: $availability) {
      user {
        id
        availability
      }
      errors {
        code
        message
        field
      }
    }
  }
`);

/** What the heartbeat should do now: keep ONLINE alive, turn AWAY after idling, or nothing. */
export function heartbeatAction(availability: UserAvailability, idleMs: number, visible: boolean): 'ONLINE' | 'AWAY' | null {
  if (availability !== 'ONLINE') return null;
  if (idleMs >= IDLE_MS) return 'AWAY';
  return visible ? 'ONLINE' : null;
}

export function AvailabilitySwitch(props: { availability: UserAvailability }) {
  const [setAvailability] = useMutation(SetAvailabilityMutation);
  const lastInput = useRef(Date.now());
  const current = useRef(props.availability);
  current.current = props.availability;

  useEffect(() => {
    const touch = () => {
      lastInput.current = Date.now();
    };
    const events = ['keydown', 'pointerdown', 'pointermove', 'wheel'] as const;
    for (const e of events) window.addEventListener(e, touch, { passive: true });
    const timer = window.setInterval(() => {
      const next = heartbeatAction(current.current, Date.now() - lastInput.current, document.visibilityState === 'visible');
      if (next) void setAvailability({ variables: { availability: next } }).catch(() => undefined);
    }, HEARTBEAT_MS);
    return () => {
      for (const e of events) window.removeEventListener(e, touch);
      window.clearInterval(timer);
    };
  }, [setAvailability]);
  const { t } = useTranslation();

  return (
    <Tooltip label={t('availability.tooltip')} withArrow>
      <SegmentedControl
        size="xs"
        aria-label={t('availability.label')}
        data-testid="availability-switch"
        value={props.availability}
        onChange={(v) => {
          lastInput.current = Date.now();
          void setAvailability({ variables: { availability: v as UserAvailability } });
        }}
        data={[
          { value: 'ONLINE', label: t('availability.ONLINE') },
          { value: 'AWAY', label: t('availability.AWAY') },
          { value: 'OFFLINE', label: t('availability.OFFLINE') },
        ]}
      />
    </Tooltip>
  );
}
