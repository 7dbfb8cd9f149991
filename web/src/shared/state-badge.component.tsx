import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { stateColor } from './card-state.ts';

/** A card state as a coloured badge with its translated name. */
export function StateBadge({ state, size = 'md' }: { state: string; size?: 'sm' | 'md' | 'lg' }) {
  const { t } = useTranslation();
  return (
    <Badge color={stateColor(state)} variant="filled" size={size} data-testid="state-badge" data-state={state}>
      {t(`state.${state}`, { defaultValue: state })}
    </Badge>
  );
}
