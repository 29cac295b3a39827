import { useMemo, useState } from 'react';
import { Box, Button } from '@mantine/core';
import { IconDots } from '@tabler/icons-react';
import { splitEmailHtml } from '../../shared/emailHtml';
import classes from './HtmlEmailBody.module.css';
import { i18n } from '../../i18n';

/**
 * An e-mail's HTML (`Message.contentHtml`), sanitised again here with DOMPurify. Links open in a
 * new tab (rel="noopener noreferrer"); the quoted history is collapsed behind "Show quoted text".
 */
export function HtmlEmailBody({ html }: { html: string }) {
  const { body, quoted } = useMemo(() => splitEmailHtml(html), [html]);
  const [showQuoted, setShowQuoted] = useState(false);
  return (
    <Box className={classes.html} data-testid="message-html">
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised by DOMPurify in splitEmailHtml (shared/emailHtml.ts) */}
      <div dangerouslySetInnerHTML={{ __html: body }} />
      {quoted && (
        <>
          <Button variant="subtle" color="gray" size="compact-xs" mt={4} leftSection={<IconDots size={12} />} aria-expanded={showQuoted} onClick={() => setShowQuoted((v) => !v)}>
            {showQuoted ? i18n.t('thread.hideQuoted') : i18n.t('thread.showQuoted')}
          </Button>
          {showQuoted && (
            // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised by DOMPurify in splitEmailHtml (shared/emailHtml.ts)
            <div className={classes.quoted} data-testid="message-quoted" dangerouslySetInnerHTML={{ __html: quoted }} />
          )}
        </>
      )}
    </Box>
  );
}
