import { Text, Timeline } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CardMove } from '../api/api-types.ts';
import { actorLabel } from './actor-label.ts';
import { formatDateTime } from './format.ts';

/** A card's moves, oldest first, as a timeline: when, from, to, reason or comment, and by whom. */
export function CardHistory({ moves, showActor = false }: { moves: readonly CardMove[]; showActor?: boolean }) {
  const { t } = useTranslation();
  if (moves.length === 0) return <Text c="dimmed">{t('history.empty')}</Text>;
  return (
    <Timeline active={moves.length - 1} bulletSize={14} lineWidth={2} data-testid="card-history">
      {moves.map((move, index) => (
        <Timeline.Item key={move.seq ?? `${move.at}-${index}`} title={t(`state.${move.to}`, { defaultValue: move.to })}>
          <Text size="sm" c="dimmed">
            <time dateTime={move.at}>{formatDateTime(move.at)}</time>
            {move.from ? ` · ${t('history.from', { state: t(`state.${move.from}`, { defaultValue: move.from }) })}` : ''}
          </Text>
          {move.reason ? <Text size="sm">{t(`disableReason.${move.reason}`, { defaultValue: t(`trigger.${move.reason}`, { defaultValue: move.reason }) })}</Text> : null}
          {move.comment ? <Text size="sm" fs="italic">{move.comment}</Text> : null}
          {showActor ? <Text size="xs" c="dimmed" data-testid="history-actor">{actorLabel(move.actor, move.actorName, t)}</Text> : null}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}
