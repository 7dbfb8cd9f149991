import { Anchor, Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A link that opens the card rules the requester accepts, in their language. It sits outside the
 * checkbox's label, so reading the rules never ticks the box.
 */
export function CardRulesLink() {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  return (
    <>
      <Anchor component="button" type="button" size="sm" onClick={() => setOpened(true)} data-testid="card-rules-link">
        {t('consents.rules.link')}
      </Anchor>
      <Modal opened={opened} onClose={() => setOpened(false)} title={t('consents.rules.title')} size="lg" data-testid="card-rules">
        <Stack>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="card-rules-text">{t('consents.rules.body')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpened(false)} data-testid="card-rules-close">{t('consents.rules.close')}</Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
