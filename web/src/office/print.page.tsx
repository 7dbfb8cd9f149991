import { Alert, Button, Paper, Stack, Tabs, Text, Title } from '@mantine/core';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import type { Card } from '../api/api-types.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { BulkMoveModal } from './bulk-move.modal.tsx';
import { CardPicker } from './card-picker.component.tsx';
import { PrintBatchPanel } from './print-batch.component.tsx';

/**
 * Printing: the print queue as one PDF for the card printer (a batch: downloading it takes the
 * cards, confirming marks them printed; the recent batches are listed, so a reload loses none), or by hand: take checked requests into a print batch
 * (IN_PRINT, locked to you), print their faces at true card size, then mark them printed (or take
 * them out of the batch).
 */
export function PrintPage() {
  const { t } = useTranslation();
  usePageTitle(t('print.title'));
  const navigate = useNavigate();
  const [refresh, setRefresh] = useState(0);
  // Stable, so that the batches' polling is not restarted by every render of this page.
  const batchesChanged = useCallback(() => setRefresh((value) => value + 1), []);
  const [bulk, setBulk] = useState<{ cards: Card[]; to: string } | null>(null);
  // The tab is in the URL, so that coming back from the print sheet shows the batch being printed.
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'inPrint' ? 'inPrint' : 'toPrint';
  const showTab = (value: string | null) => setParams(value === 'inPrint' ? { tab: 'inPrint' } : {}, { replace: true });

  return (
    <Stack>
      <Title order={1} size="h2">{t('print.title')}</Title>
      <Text size="sm">{t('print.intro')}</Text>
      <PrintBatchPanel onChanged={batchesChanged} />
      <Tabs value={tab} onChange={showTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="toPrint" data-testid="tab-to-print">{t('print.toPrint')}</Tabs.Tab>
          <Tabs.Tab value="inPrint" data-testid="tab-in-print">{t('print.inPrint')}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="toPrint" pt="sm">
          <Paper withBorder p="sm">
            <CardPicker states={['REQUEST_CHECKED']} refresh={refresh} testId="to-print" actions={(selection) => (
              <Button size="xs" disabled={selection.length === 0} onClick={() => setBulk({ cards: selection, to: 'IN_PRINT' })} data-testid="send-to-print">
                {t('print.sendToPrint', { count: selection.length })}
              </Button>
            )} />
          </Paper>
        </Tabs.Panel>
        <Tabs.Panel value="inPrint" pt="sm">
          <Paper withBorder p="sm">
            <CardPicker states={['IN_PRINT']} refresh={refresh} testId="in-print" actions={(selection) => (
              <>
                <Button size="xs" variant="default" disabled={selection.length === 0}
                  onClick={() => navigate(`/office/print/sheet?ids=${selection.map((card) => card.id).join(',')}`)} data-testid="print-view">
                  {t('print.printView')}
                </Button>
                <Button size="xs" disabled={selection.length === 0} onClick={() => setBulk({ cards: selection, to: 'PRINTED' })} data-testid="mark-printed">
                  {t('print.markPrinted', { count: selection.length })}
                </Button>
                <Button size="xs" variant="outline" disabled={selection.length === 0} onClick={() => setBulk({ cards: selection, to: 'REQUEST_CHECKED' })}>
                  {t('print.takeOut')}
                </Button>
              </>
            )} />
          </Paper>
        </Tabs.Panel>
      </Tabs>
      <Alert color="gray" variant="light">{t('print.lockHelp')}</Alert>
      {bulk ? (
        <BulkMoveModal
          cards={bulk.cards}
          initialTarget={bulk.to}
          opened
          onClose={() => {
            // Cards just sent to print wait in the other tab: go there, the next step happens in it.
            if (bulk.to === 'IN_PRINT') showTab('inPrint');
            setBulk(null);
          }}
          onDone={() => setRefresh((value) => value + 1)}
        />
      ) : null}
    </Stack>
  );
}
