import { Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import { IconCheck, IconChecks, IconClock, IconAlertTriangle } from '@tabler/icons-react';
import type { DeliveryStatus } from '../../gql/graphql';
import { translated } from '../../i18n';

/** Delivery states in the UI language. */
const LABEL: Record<DeliveryStatus, string> = translated<DeliveryStatus>(['PENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED', 'BOUNCED'], 'delivery');

/** WhatsApp-style delivery indicator for outgoing messages. */
export function DeliveryTicks({ status }: { status: DeliveryStatus }) {
  const common = { size: 14, 'aria-label': LABEL[status], role: 'img' } as const;
  let icon: ReactNode;
  switch (status) {
    case 'PENDING':
      icon = <IconClock {...common} color="var(--mantine-color-gray-6)" />;
      break;
    case 'SENT':
      icon = <IconCheck {...common} color="var(--mantine-color-gray-6)" />;
      break;
    case 'DELIVERED':
      icon = <IconChecks {...common} color="var(--mantine-color-gray-6)" />;
      break;
    case 'READ':
      icon = <IconChecks {...common} color="var(--mantine-color-blue-6)" />;
      break;
    default:
      icon = <IconAlertTriangle {...common} color="var(--mantine-color-red-6)" />;
  }
  return (
    <Tooltip label={LABEL[status]} withArrow>
      <span data-testid="delivery-status" data-status={status} style={{ display: 'inline-flex' }}>
        {icon}
      </span>
    </Tooltip>
  );
}
