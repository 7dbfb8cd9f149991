import { Group, Paper, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/api-client.ts';
import { institutionApi } from '../api/institution.api.ts';
import type { VerifyAnswer } from '../api/api-types.ts';
import { formatDateTime, formatTime } from '../shared/format.ts';
import './validity-indicator.css';

/** How often the virtual card asks the public verification endpoint again. */
export const VERIFY_INTERVAL_MS = 20_000;

export type Validity = 'valid' | 'suspended' | 'expired' | 'unknown' | 'offline' | 'checking';

const LAST_CHECK_KEY = 'campuscard.lastCheck';

interface LastCheck {
  escn: string;
  validity: Validity;
  at: string;
}

function rememberCheck(check: LastCheck): void {
  try {
    localStorage.setItem(LAST_CHECK_KEY, JSON.stringify(check));
  } catch {
    // Only used to tell what was last known when offline.
  }
}

function lastCheckOf(escn: string): LastCheck | null {
  try {
    const check = JSON.parse(localStorage.getItem(LAST_CHECK_KEY) ?? 'null') as LastCheck | null;
    return check?.escn === escn ? check : null;
  } catch {
    return null;
  }
}

function validityOf(answer: VerifyAnswer): Validity {
  if (answer.status === 'ACTIVE') return 'valid';
  if (answer.status === 'EXPIRED') return 'expired';
  return 'suspended';
}

/**
 * A banner that says whether the card is valid right now, re-checked against the public
 * verification endpoint (the same answer a scanner gets) every few seconds. A moving stripe and a
 * ticking clock make a screenshot of an old state easy to spot.
 */
export function ValidityIndicator({ escn, onStatus }: { escn: string; onStatus?(validity: Validity): void }) {
  const { t } = useTranslation();
  const [validity, setValidity] = useState<Validity>('checking');
  const [checkedAt, setCheckedAt] = useState<Date | null>(null);
  const [now, setNow] = useState(() => new Date());
  const lastKnown = validity === 'offline' ? lastCheckOf(escn) : null;

  useEffect(() => {
    let alive = true;
    let controller = new AbortController();
    async function check() {
      controller.abort();
      controller = new AbortController();
      try {
        const answer = await institutionApi.verify(escn, controller.signal);
        if (!alive) return;
        const checked = new Date();
        setValidity(validityOf(answer));
        setCheckedAt(checked);
        rememberCheck({ escn, validity: validityOf(answer), at: checked.toISOString() });
      } catch (error) {
        if (!alive || (error instanceof DOMException && error.name === 'AbortError')) return;
        if (error instanceof ApiError && error.status === 404) setValidity('unknown');
        else if (error instanceof ApiError && error.status === 0) setValidity('offline');
        else setValidity((previous) => (previous === 'checking' ? 'unknown' : previous));
      }
    }
    void check();
    const timer = window.setInterval(() => void check(), VERIFY_INTERVAL_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void check();
    };
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('online', onVisible);
    return () => {
      alive = false;
      controller.abort();
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('online', onVisible);
    };
  }, [escn]);

  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), 1000);
    return () => window.clearInterval(timer);
  }, []);

  useEffect(() => {
    onStatus?.(validity);
  }, [validity, onStatus]);

  return (
    <Paper className={`validity validity--${validity}`} p="md" radius="md" data-testid="validity" data-validity={validity} role="status" aria-live="polite">
      <div className="validity__stripe" aria-hidden="true" />
      <Group justify="space-between" wrap="nowrap" className="validity__content">
        <Group gap="sm" wrap="nowrap">
          <span className="validity__pulse" aria-hidden="true" />
          <Stack gap={0}>
            <Text fw={800} size="xl" data-testid="validity-label">{t(`validity.${validity}`)}</Text>
            <Text size="sm" data-testid="validity-checked">
              {checkedAt ? t('validity.checkedAt', { time: formatTime(checkedAt) }) : lastKnown && validity === 'offline'
                ? t('validity.lastKnown', { state: t(`validity.${lastKnown.validity}`), date: formatDateTime(lastKnown.at) })
                : t('validity.notChecked')}
            </Text>
          </Stack>
        </Group>
        <Text className="validity__clock" fw={700} size="lg" aria-label={t('validity.now')} data-testid="validity-clock">
          {formatTime(now)}
        </Text>
      </Group>
    </Paper>
  );
}
