import { Text } from '@mantine/core';
import { smsCount, smsCountLabel } from '../../shared/smsSegments';

/** "N characters · M segments" under an SMS reply (GSM-7 160/153, UCS-2 70/67). */
export function SmsCounter({ text }: { text: string }) {
  const c = smsCount(text);
  return (
    <Text
      size="xs"
      c={c.segments > 1 ? 'orange.8' : 'dimmed'}
      data-testid="sms-counter"
      data-encoding={c.encoding}
      data-segments={c.segments}
      aria-live="polite"
      title={`${c.encoding} encoding: ${c.segments > 1 ? `${c.perSegment} per segment when split` : `${c.perSegment} fit in one SMS`}`}
    >
      {smsCountLabel(c)}
      {c.encoding === 'UCS-2' && c.length > 0 ? ' · Unicode (70 per SMS)' : ''}
    </Text>
  );
}
