import { Button, Chip, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { cardsApi } from '../api/cards.api.ts';
import type { Card } from '../api/api-types.ts';
import { fieldError, isAboutFields } from '../shared/problem-messages.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { REJECT_TEMPLATES } from './reject-templates.ts';

/**
 * Confirms a move that needs words: a rejection (reason shown to the person, from templates or
 * typed), a disable (reason, and a comment for a manager's decision), or any other move.
 */
export function MoveCardModal({ card, to, opened, onClose, onDone }: { card: Card; to: string; opened: boolean; onClose(): void; onDone(card: Card): void }) {
  const { t } = useTranslation();
  const [comment, setComment] = useState('');
  const [reason, setReason] = useState('MANAGER');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // The API's rule (card-state-machine: comment_required): a rejection, and a disable for MANAGER.
  const needsComment = to === 'REJECTED' || (to === 'DISABLED' && reason === 'MANAGER');
  const [commentMissing, setCommentMissing] = useState(false);

  async function confirm() {
    // Refused here as the server would refuse it, next to the field, rather than a silently dead button.
    if (needsComment && comment.trim() === '') {
      setCommentMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const updated = await cardsApi.move(card.id, {
        to,
        ...(to === 'DISABLED' ? { reason } : {}),
        ...(comment.trim() ? { comment: comment.trim() } : {}),
        expectedVersion: card.version,
      });
      onDone(updated);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title={t('move.title', { state: t(`state.${to}`) })}>
      <Stack>
        <Text size="sm">{t('move.explain', { name: `${card.holder.firstName} ${card.holder.lastName}`, from: t(`state.${card.state}`), to: t(`state.${to}`) })}</Text>
        {to === 'REJECTED' ? (
          <Chip.Group onChange={(key) => setComment(t(`rejectTemplates.${String(key)}.text`))}>
            <Group gap={6}>
              {REJECT_TEMPLATES.map((key) => <Chip key={key} value={key} size="xs">{t(`rejectTemplates.${key}.label`, { defaultValue: key })}</Chip>)}
            </Group>
          </Chip.Group>
        ) : null}
        {to === 'DISABLED' ? (
          <Select
            label={t('bulk.reason')}
            data={['LOST', 'THEFT', 'OUT_OF_ORDER', 'MANAGER'].map((value) => ({ value, label: t(`disableReason.${value}`) }))}
            value={reason}
            onChange={(value) => value && setReason(value)}
            allowDeselect={false}
            error={fieldError(t, error, '/reason')}
          />
        ) : null}
        <Textarea
          label={to === 'REJECTED' ? t('move.rejectReason') : t('bulk.comment')}
          description={needsComment ? t('bulk.commentRequired') : undefined}
          required={needsComment}
          autosize
          minRows={2}
          value={comment}
          onChange={(event) => {
            setComment(event.currentTarget.value);
            setCommentMissing(false);
          }}
          error={needsComment && commentMissing ? t('errors.comment_required') : fieldError(t, error, '/comment')}
          data-testid="move-comment"
          data-autofocus
        />
        {error && !isAboutFields(error, ['/comment', '/reason']) ? <ProblemAlert error={error} /> : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
          <Button color={to === 'REJECTED' || to === 'DISABLED' || to === 'DESTROYED' ? 'red' : undefined} loading={busy}
            onClick={() => void confirm()} data-testid="move-confirm">
            {t('move.confirm', { state: t(`state.${to}`) })}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
