import { Text } from '@mantine/core';
import { smsCount, smsCountLabel } from '../../shared/smsSegments';
import { i18n } from '../../i18n';

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
      title={c.segments > 1 ? i18n.t('composer.sms.split', { encoding: c.encoding, n: c.perSegment }) : i18n.t('composer.sms.one', { encoding: c.encoding, n: c.perSegment })}
    >
      {smsCountLabel(c)}
      {c.encoding === 'UCS-2' && c.length > 0 ? ` · ${i18n.t('composer.sms.unicode')}` : ''}
    </Text>
  );
}
