import { Alert, Badge, Button, Group, Modal, Progress, Select, Stack, Table, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BulkMoveResult } from '../api/cards.api.ts';
import type { Card } from '../api/api-types.ts';
import { moveInChunks, moved } from './bulk-move.ts';
import { officeWordedKey } from './card-moves.ts';

/** Target states offered for bulk moves (the server refuses, per card, what does not apply). */
export const BULK_TARGETS = ['REQUEST_CHECKED', 'REJECTED', 'CANCELED', 'IN_PRINT', 'PRINTED', 'ENABLED', 'DISABLED', 'DESTROYED'] as const;

/**
 * Moves the selected cards to one state: choose the target (and a reason or comment when it needs
 * one), watch the progress bar, then read the per-card results.
 */
export function BulkMoveModal({ cards, opened, onClose, onDone, initialTarget }: {
  cards: readonly Card[];
  opened: boolean;
  onClose(): void;
  onDone(): void;
  initialTarget?: string;
}) {
  const { t } = useTranslation();
  const [target, setTarget] = useState<string>(initialTarget ?? 'REQUEST_CHECKED');
  const [comment, setComment] = useState('');
  const [reason, setReason] = useState('MANAGER');
  const [progress, setProgress] = useState(0);
  const [results, setResults] = useState<BulkMoveResult[] | null>(null);
  const [running, setRunning] = useState(false);
  const byId = new Map(cards.map((card) => [card.id, card]));
  // The API's rule (card-state-machine: comment_required): a rejection, and a disable for MANAGER.
  const needsComment = target === 'REJECTED' || (target === 'DISABLED' && reason === 'MANAGER');
  const [commentMissing, setCommentMissing] = useState(false);

  async function run() {
    // Refused here, next to the field, rather than each card refused by the server.
    if (needsComment && comment.trim() === '') {
      setCommentMissing(true);
      return;
    }
    setRunning(true);
    setResults([]);
    setProgress(0);
    const final = await moveInChunks(cards.map((card) => card.id), {
      to: target,
      ...(target === 'DISABLED' ? { reason } : {}),
      ...(comment.trim() ? { comment: comment.trim() } : {}),
    }, (done, partial) => {
      setProgress(done);
      setResults(partial);
    });
    setResults(final);
    setRunning(false);
    onDone();
  }

  const okCount = results?.filter(moved).length ?? 0;
  const failed = results?.filter((result) => !moved(result)) ?? [];
  const percent = cards.length === 0 ? 0 : Math.round((progress / cards.length) * 100);
  return (
    <Modal opened={opened} onClose={running ? () => undefined : onClose} title={t('bulk.title', { count: cards.length })} size="lg">
      <Stack>
        <Select
          label={t('bulk.target')}
          data={BULK_TARGETS.map((state) => ({ value: state, label: t(`state.${state}`) }))}
          value={target}
          onChange={(value) => value && setTarget(value)}
          allowDeselect={false}
          disabled={running || results !== null}
          data-testid="bulk-target"
        />
        {target === 'DISABLED' ? (
          <Select
            label={t('bulk.reason')}
            data={['LOST', 'THEFT', 'OUT_OF_ORDER', 'MANAGER'].map((value) => ({ value, label: t(`disableReason.${value}`) }))}
            value={reason}
            onChange={(value) => value && setReason(value)}
            allowDeselect={false}
            disabled={running || results !== null}
          />
        ) : null}
        <Textarea
          label={t('bulk.comment')}
          description={needsComment ? t('bulk.commentRequired') : undefined}
          required={needsComment}
          value={comment}
          onChange={(event) => {
            setComment(event.currentTarget.value);
            setCommentMissing(false);
          }}
          error={needsComment && commentMissing ? t('errors.comment_required') : undefined}
          disabled={running || results !== null}
          data-testid="bulk-comment"
        />
        {results !== null ? (
          <Stack gap="xs">
            <Progress value={percent} size="lg" aria-label={t('bulk.progress')} animated={running} data-testid="bulk-progress" />
            <Text size="sm" role="status">{t('bulk.progressText', { done: progress, total: cards.length })}</Text>
          </Stack>
        ) : null}
        {results !== null && !running ? (
          <Alert color={failed.length === 0 ? 'green' : 'orange'} data-testid="bulk-summary">
            {t('bulk.summary', { count: okCount, failed: failed.length })}
          </Alert>
        ) : null}
        {results !== null && results.length > 0 ? (
          <Table.ScrollContainer minWidth={400} mah={300}>
            <Table striped data-testid="bulk-results">
              <Table.Thead>
                <Table.Tr><Table.Th>{t('cards.columns.holder')}</Table.Th><Table.Th>{t('bulk.result')}</Table.Th></Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {results.map((result) => {
                  const card = byId.get(result.cardId);
                  return (
                    <Table.Tr key={result.cardId} data-ok={String(moved(result))}>
                      <Table.Td>{card ? `${card.holder.lastName} ${card.holder.firstName}` : result.cardId}</Table.Td>
                      <Table.Td>
                        {moved(result)
                          ? <Badge color="#1c6e31">{t(`state.${result.card?.state ?? target}`)}</Badge>
                          : <Text size="sm" c="red.8">{t(officeWordedKey(result.problem?.code ?? 'unknown') ?? `errors.${result.problem?.code ?? 'unknown'}`, { defaultValue: result.problem?.detail ?? t('errors.unknown') })}</Text>}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : null}
        <Group justify="flex-end">
          {results === null ? (
            <>
              <Button variant="default" onClick={onClose}>{t('common.cancel')}</Button>
              <Button onClick={() => void run()} disabled={cards.length === 0} data-testid="bulk-run">
                {t('bulk.run', { count: cards.length })}
              </Button>
            </>
          ) : (
            <Button onClick={onClose} disabled={running} data-testid="bulk-close">{t('common.close')}</Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
