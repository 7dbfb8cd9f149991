import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

const COLORS: Record<string, string> = {
  registered: '#1c6e31',
  in_sync: '#1c6e31',
  pending: '#1d5fa8',
  failed: '#a61e1e',
  not_registered: '#495057',
  disabled: '#495057',
};

/** ESC Router sync state as a badge. */
export function EscStateBadge({ state }: { state: string }) {
  const { t } = useTranslation();
  return <Badge color={COLORS[state] ?? '#495057'} data-testid="esc-state" data-esc-state={state}>{t(`esc.states.${state}`, { defaultValue: state })}</Badge>;
}
