import { Alert, Button, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { cardsApi } from '../api/cards.api.ts';
import { useSession, WRITE_ROLES } from '../auth/session.context.tsx';
import { CardFace, cardFaceOf } from '../shared/card-face.component.tsx';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { useBrandings } from '../shared/use-institution.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { BulkMoveModal } from './bulk-move.modal.tsx';
import { loadSelection, selectedIds } from './card-selection.ts';
import { EmptySheet, type EmptySheetLink } from './empty-sheet.component.tsx';
import './print-sheet.css';

/**
 * The print sheet: each card face at its true ISO/IEC 7810 ID-1 size (85.60 x 53.98 mm) with the
 * institution's logo, colours, photo, names, numbers and QR code. Print at 100 % (no scaling).
 * Once printed, the cards are marked printed from here, and the way to encoding is shown. With no
 * card to show (none chosen, or none found), the page says why and where cards are chosen.
 */
export function PrintSheetPage() {
  const { t } = useTranslation();
  usePageTitle(t('print.sheetTitle'));
  const [params] = useSearchParams();
  const { principal } = useSession();
  const ids = selectedIds(params);
  const selection = useApi((signal) => loadSelection(ids, signal), [ids.join(',')]);
  const cards = selection.data?.cards ?? [];
  const brandingOf = useBrandings(cards.map((card) => card.institution), true);
  const missing = selection.data?.missing ?? 0;
  const [marking, setMarking] = useState(false);
  const inPrint = cards.filter((card) => card.state === 'IN_PRINT');
  const allPrinted = cards.length > 0 && cards.every((card) => card.state === 'PRINTED');
  const empty = selection.data !== undefined && cards.length === 0;
  const emptyLinks: EmptySheetLink[] = [{ to: '/office/print?tab=inPrint', label: t('print.empty.goToPrint'), testId: 'empty-go-print' }];
  if (principal && WRITE_ROLES.includes(principal.role)) emptyLinks.push({ to: '/office/queue', label: t('print.empty.goToQueue'), testId: 'empty-go-queue' });

  return (
    <Stack>
      <Group justify="space-between" className="no-print">
        <Title order={1} size="h2">{t('print.sheetTitle')}</Title>
        <Group>
          <Button variant="default" component={Link} to="/office/print?tab=inPrint">{t('common.back')}</Button>
          <Button onClick={() => window.print()} disabled={cards.length === 0} data-testid="print-now">{t('print.print')}</Button>
          {inPrint.length > 0 ? (
            <Button variant="outline" onClick={() => setMarking(true)} data-testid="sheet-mark-printed">{t('print.markPrinted', { count: inPrint.length })}</Button>
          ) : null}
        </Group>
      </Group>
      {cards.length > 0 ? <Alert color="gray" className="no-print">{t('print.scaleHelp')}</Alert> : null}
      {empty ? (
        <EmptySheet
          title={t('print.empty.title')}
          why={ids.length === 0 ? t('print.empty.noSelection') : t('print.empty.notFound', { count: missing })}
          whatToDo={t('print.empty.whatToDo')}
          links={emptyLinks}
        />
      ) : null}
      {!empty && missing > 0 ? <Alert color="orange" className="no-print" data-testid="sheet-missing">{t('print.empty.someMissing', { count: missing })}</Alert> : null}
      {allPrinted ? (
        <Alert color="green" className="no-print" data-testid="sheet-printed">
          <Group justify="space-between">
            <span>{t('print.printedNext')}</span>
            <Button size="xs" component={Link} to="/office/encode" data-testid="go-to-encoding">{t('print.goToEncoding')}</Button>
          </Group>
        </Alert>
      ) : null}
      <ProblemAlert error={selection.error} />
      {selection.loading && !selection.data ? <Loader role="status" aria-label={t('common.loading')} /> : null}
      <div className="print-sheet" data-testid="print-sheet">
        {cards.map((card) => (
          <div key={card.id} className="print-sheet__slot">
            <CardFace
              size="print"
              testId="print-card"
              {...cardFaceOf(card, brandingOf(card.institution))}
              photo={cardsApi.photoUrl(card) ? <img src={cardsApi.photoUrl(card) ?? ''} alt="" /> : null}
              qrUrl={card.escn ? cardsApi.qrUrl(card) : null}
            />
            <Text size="xs" className="no-print" ta="center">{card.holder.lastName} {card.holder.firstName} · {t(`state.${card.state}`)}</Text>
          </div>
        ))}
      </div>
      {marking ? (
        <BulkMoveModal cards={inPrint} initialTarget="PRINTED" opened onClose={() => setMarking(false)} onDone={selection.reload} />
      ) : null}
    </Stack>
  );
}
