import { Alert, Button, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { cardsApi } from '../api/cards.api.ts';
import { CardFace, cardFaceOf } from '../shared/card-face.component.tsx';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { useInstitution } from '../shared/use-institution.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { BulkMoveModal } from './bulk-move.modal.tsx';
import './print-sheet.css';

/**
 * The print sheet: each card face at its true ISO/IEC 7810 ID-1 size (85.60 x 53.98 mm) with the
 * institution's logo, colours, photo, names, numbers and QR code. Print at 100 % (no scaling).
 * Once printed, the cards are marked printed from here, and the way to encoding is shown.
 */
export function PrintSheetPage() {
  const { t } = useTranslation();
  usePageTitle(t('print.sheetTitle'));
  const [params] = useSearchParams();
  const ids = (params.get('ids') ?? '').split(',').filter(Boolean).slice(0, 100);
  const institution = useInstitution();
  const cards = useApi((signal) => Promise.all(ids.map((id) => cardsApi.get(id, signal))), [ids.join(',')]);
  const [marking, setMarking] = useState(false);
  const inPrint = (cards.data ?? []).filter((card) => card.state === 'IN_PRINT');
  const allPrinted = (cards.data ?? []).length > 0 && (cards.data ?? []).every((card) => card.state === 'PRINTED');

  return (
    <Stack>
      <Group justify="space-between" className="no-print">
        <Title order={1} size="h2">{t('print.sheetTitle')}</Title>
        <Group>
          <Button variant="default" component={Link} to="/office/print?tab=inPrint">{t('common.back')}</Button>
          <Button onClick={() => window.print()} data-testid="print-now">{t('print.print')}</Button>
          {inPrint.length > 0 ? (
            <Button variant="outline" onClick={() => setMarking(true)} data-testid="sheet-mark-printed">{t('print.markPrinted', { count: inPrint.length })}</Button>
          ) : null}
        </Group>
      </Group>
      <Alert color="gray" className="no-print">{t('print.scaleHelp')}</Alert>
      {allPrinted ? (
        <Alert color="green" className="no-print" data-testid="sheet-printed">
          <Group justify="space-between">
            <span>{t('print.printedNext')}</span>
            <Button size="xs" component={Link} to="/office/encode" data-testid="go-to-encoding">{t('print.goToEncoding')}</Button>
          </Group>
        </Alert>
      ) : null}
      <ProblemAlert error={cards.error} />
      {cards.loading && !cards.data ? <Loader role="status" aria-label={t('common.loading')} /> : null}
      <div className="print-sheet" data-testid="print-sheet">
        {(cards.data ?? []).map((card) => (
          <div key={card.id} className="print-sheet__slot">
            <CardFace
              size="print"
              testId="print-card"
              {...cardFaceOf(card, institution)}
              photo={cardsApi.photoUrl(card) ? <img src={cardsApi.photoUrl(card) ?? ''} alt="" /> : null}
              qrUrl={card.escn ? cardsApi.qrUrl(card) : null}
            />
            <Text size="xs" className="no-print" ta="center">{card.holder.lastName} {card.holder.firstName} · {t(`state.${card.state}`)}</Text>
          </div>
        ))}
      </div>
      {marking ? (
        <BulkMoveModal cards={inPrint} initialTarget="PRINTED" opened onClose={() => setMarking(false)} onDone={cards.reload} />
      ) : null}
    </Stack>
  );
}
