import { Alert, Button, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { formatDate, formatDateTime } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { useInstitution } from '../shared/use-institution.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { loadSelection, selectedIds } from './card-selection.ts';
import { EmptySheet } from './empty-sheet.component.tsx';
import './print-sheet.css';

/**
 * A printable delivery slip per card: who received which card, when, with two signatures. With no
 * card to show (none chosen, or none found), the page says why and where cards are chosen.
 */
export function DeliverySlipPage() {
  const { t } = useTranslation();
  usePageTitle(t('delivery.slipTitle'));
  const [params] = useSearchParams();
  const ids = selectedIds(params);
  const institution = useInstitution();
  const selection = useApi((signal) => loadSelection(ids, signal), [ids.join(',')]);
  const cards = selection.data?.cards ?? [];
  const missing = selection.data?.missing ?? 0;
  const empty = selection.data !== undefined && cards.length === 0;
  const today = new Date();

  return (
    <Stack>
      <Group justify="space-between" className="no-print">
        <Title order={1} size="h2">{t('delivery.slipTitle')}</Title>
        <Group>
          <Button variant="default" component={Link} to="/office/delivery">{t('common.back')}</Button>
          <Button onClick={() => window.print()} disabled={cards.length === 0} data-testid="slip-print">{t('print.print')}</Button>
        </Group>
      </Group>
      <ProblemAlert error={selection.error} />
      {selection.loading && !selection.data ? <Loader role="status" aria-label={t('common.loading')} /> : null}
      {empty ? (
        <EmptySheet
          title={t('delivery.slipEmpty.title')}
          why={ids.length === 0 ? t('delivery.slipEmpty.noSelection') : t('delivery.slipEmpty.notFound', { count: missing })}
          whatToDo={t('delivery.slipEmpty.whatToDo')}
          links={[
            { to: '/office/delivery', label: t('delivery.slipEmpty.goToDelivery'), testId: 'empty-go-delivery' },
            { to: '/office/cards', label: t('delivery.slipEmpty.goToCards'), testId: 'empty-go-cards' },
          ]}
        />
      ) : null}
      {!empty && missing > 0 ? <Alert color="orange" className="no-print" data-testid="slip-missing">{t('delivery.slipEmpty.someMissing', { count: missing })}</Alert> : null}
      {cards.map((card) => (
        <section key={card.id} className="delivery-slip" data-testid="delivery-slip">
          <Title order={2} size="h3">{institution?.name ?? 'campuscard'} — {t('delivery.slipHeading')}</Title>
          <Table variant="vertical" withTableBorder mt="sm">
            <Table.Tbody>
              <Table.Tr><Table.Th w="35%">{t('person.lastName')}</Table.Th><Table.Td>{card.holder.lastName.toUpperCase()}</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>{t('person.firstName')}</Table.Th><Table.Td>{card.holder.firstName}</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>{t('person.eppn')}</Table.Th><Table.Td>{card.holder.eppn}</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>{t('person.studentNumber')}</Table.Th><Table.Td>{card.holder.studentNumber ?? ''}</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>ESCN</Table.Th><Table.Td ff="monospace">{card.escn ?? ''}</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>CSN</Table.Th><Table.Td ff="monospace">{card.csn?.hex ?? ''}</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>{t('cardDetail.expiresAt')}</Table.Th><Table.Td>{formatDate(card.expiresAt)}</Table.Td></Table.Tr>
              <Table.Tr><Table.Th>{t('cardDetail.deliveredAt')}</Table.Th><Table.Td>{card.deliveredAt ? formatDateTime(card.deliveredAt) : formatDate(today)}</Table.Td></Table.Tr>
              {card.deliveryAddress ? <Table.Tr><Table.Th>{t('cardDetail.deliveryAddress')}</Table.Th><Table.Td style={{ whiteSpace: 'pre-wrap' }}>{card.deliveryAddress}</Table.Td></Table.Tr> : null}
            </Table.Tbody>
          </Table>
          <Text size="sm" mt="md">{t('delivery.slipStatement')}</Text>
          <Group grow mt="lg" align="flex-start">
            <div className="delivery-slip__signature">{t('delivery.holderSignature')}</div>
            <div className="delivery-slip__signature">{t('delivery.officeSignature')}</div>
          </Group>
        </section>
      ))}
    </Stack>
  );
}
