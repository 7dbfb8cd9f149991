import { Button, Group, Modal, Radio, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { cardsApi } from '../api/cards.api.ts';
import type { Card } from '../api/api-types.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';

/**
 * Declares one's own card lost, stolen or out of order: it is disabled at once. Only the reasons
 * the institution opened to self-service are offered.
 */
export function DisableCardModal({ card, reasons, opened, onClose, onDone }: {
  card: Card;
  reasons: readonly string[];
  opened: boolean;
  onClose(): void;
  onDone(card: Card): void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState<string>(reasons[0] ?? 'LOST');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      const updated = await cardsApi.move(card.id, { to: 'DISABLED', reason });
      onDone(updated);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title={t('myCards.disable.title')} centered>
      <Stack>
        <Text size="sm">{t('myCards.disable.explain')}</Text>
        <Radio.Group value={reason} onChange={setReason} label={t('myCards.disable.reason')} name="disable-reason">
          <Stack gap="xs" mt="xs">
            {reasons.map((value) => (
              <Radio key={value} value={value} label={t(`disableReason.${value}`)} data-testid={`disable-reason-${value}`} />
            ))}
          </Stack>
        </Radio.Group>
        <ProblemAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
          <Button color="red" loading={busy} onClick={() => void confirm()} data-testid="disable-confirm">{t('myCards.disable.confirm')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
