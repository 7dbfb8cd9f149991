import { Checkbox, Group, Loader, Table, Text, TextInput } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { cardsApi } from '../api/cards.api.ts';
import type { Card } from '../api/api-types.ts';
import { formatDate } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { StateBadge } from '../shared/state-badge.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { useSession } from '../auth/session.context.tsx';
import { severalInView } from '../shared/institution-scope.ts';

/**
 * A selectable list of the cards in some states (oldest request first), with a search box.
 * `actions` renders the buttons that act on the selection; `refresh` changes to reload.
 */
export function CardPicker({ states, refresh, actions, testId, filter, single = false }: {
  states: readonly string[];
  refresh: number;
  actions(selection: Card[], clear: () => void): ReactNode;
  testId: string;
  filter?: (card: Card) => boolean;
  single?: boolean;
}) {
  const { t } = useTranslation();
  const { principal } = useSession();
  // Cards of several institutions in one queue: each row says whose it is.
  const several = severalInView(principal);
  const [q, setQ] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const list = useApi((signal) => cardsApi.list({ state: states, q: q.trim() || undefined, sort: 'requestedAt', order: 'asc', limit: 200, page: 1 }, signal)
    .then((page) => (filter ? page.items.filter(filter) : page.items)), [states.join(','), q, refresh]);
  const items = list.data ?? [];
  const selection = items.filter((card) => selected.has(card.id));
  const all = items.length > 0 && selection.length === items.length;

  function toggle(card: Card, on: boolean) {
    const next = single ? new Set<string>() : new Set(selected);
    if (on) next.add(card.id);
    else next.delete(card.id);
    setSelected(next);
  }

  return (
    <div data-testid={testId}>
      <Group justify="space-between" mb="xs" wrap="wrap">
        <TextInput aria-label={t('common.search')} placeholder={t('common.search')} value={q} onChange={(event) => setQ(event.currentTarget.value)} w={260} size="xs" />
        <Group gap="xs">{actions(selection, () => setSelected(new Set()))}</Group>
      </Group>
      <ProblemAlert error={list.error} />
      {list.loading && !list.data ? <Loader size="sm" role="status" aria-label={t('common.loading')} /> : null}
      {list.data && items.length === 0 ? <Text c="dimmed" size="sm">{t('picker.empty')}</Text> : null}
      {items.length > 0 ? (
        <Table.ScrollContainer minWidth={600}>
          <Table striped highlightOnHover verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={36}>
                  {single ? null : (
                    <Checkbox aria-label={t('cards.selectAll')} checked={all} indeterminate={!all && selection.length > 0}
                      onChange={() => setSelected(all ? new Set() : new Set(items.map((card) => card.id)))} />
                  )}
                </Table.Th>
                <Table.Th>{t('cards.columns.holder')}</Table.Th>
                {several ? <Table.Th>{t('cards.columns.institution')}</Table.Th> : null}
                <Table.Th>{t('cards.columns.personType')}</Table.Th>
                <Table.Th>{t('cards.columns.state')}</Table.Th>
                <Table.Th>{t('cards.columns.requestedAt')}</Table.Th>
                <Table.Th>ESCN</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((card) => (
                <Table.Tr key={card.id} data-testid="picker-row" data-card-id={card.id}>
                  <Table.Td>
                    <Checkbox aria-label={t('cards.select', { name: `${card.holder.firstName} ${card.holder.lastName}` })} checked={selected.has(card.id)}
                      onChange={(event) => toggle(card, event.currentTarget.checked)} data-testid="picker-check" />
                  </Table.Td>
                  <Table.Td><Link to={`/office/cards/${card.id}`}>{card.holder.lastName.toUpperCase()} {card.holder.firstName}</Link></Table.Td>
                  {several ? <Table.Td>{card.institutionName}</Table.Td> : null}
                  <Table.Td>{t(`personType.${card.holder.personType}`, { defaultValue: card.holder.personType })}</Table.Td>
                  <Table.Td><StateBadge state={card.state} size="sm" /></Table.Td>
                  <Table.Td>{formatDate(card.requestedAt)}</Table.Td>
                  <Table.Td ff="monospace" fz="xs">{card.escn ?? ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
    </div>
  );
}
