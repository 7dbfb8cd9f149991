import {
  ActionIcon, Alert, Anchor, Button, Checkbox, Group, Menu, MultiSelect, Pagination, Paper, Progress, Select, Stack, Table, Text,
  TextInput, Title, UnstyledButton,
} from '@mantine/core';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { cardsApi, type CardExportJob, type CardListQuery } from '../api/cards.api.ts';
import { useSession, WRITE_ROLES } from '../auth/session.context.tsx';
import { CARD_STATES } from '../shared/card-state.ts';
import { formatNumber } from '../shared/format.ts';
import { ProblemAlert } from '../shared/problem-alert.component.tsx';
import { StateBadge } from '../shared/state-badge.component.tsx';
import { useApi } from '../shared/use-api.hook.ts';
import { usePageTitle } from '../shared/use-page-title.hook.ts';
import { usePersonTypeOptions } from '../shared/person-types.ts';
import { BulkMoveModal } from './bulk-move.modal.tsx';
import { COLUMNS, DEFAULT_COLUMNS, shownColumnKeys, type ColumnKey } from './card-columns.ts';
import { severalInView } from '../shared/institution-scope.ts';
import { loadLocal, saveLocal } from './local-store.ts';

const PAGE_SIZES = ['25', '50', '100', '200'];
const COLUMNS_KEY = 'campuscard.cardList.columns';
const VIEWS_KEY = 'campuscard.cardList.views';
/** The server pages by number up to this many cards. */
const PAGE_NUMBERS_MAX = 10_000;
/** How often a running export's progress is read. */
const EXPORT_POLL_MS = 700;

interface SavedView {
  name: string;
  search: string;
}

function listOf(value: string | null): string[] {
  return value ? value.split(',').filter(Boolean) : [];
}

/** The list query of the URL: the URL is the state, so views can be bookmarked and shared. */
function queryOf(params: URLSearchParams): CardListQuery & { page: number; limit: number } {
  const sort = params.get('sort');
  const pending = params.get('pending');
  return {
    q: params.get('q') ?? undefined,
    state: listOf(params.get('state')),
    personType: listOf(params.get('type')),
    hasPendingRequest: pending === 'yes' ? true : pending === 'no' ? false : undefined,
    sort: sort === 'lastName' || sort === 'updatedAt' ? sort : 'requestedAt',
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
    page: Math.max(1, Number(params.get('page') ?? '1') || 1),
    limit: PAGE_SIZES.includes(params.get('size') ?? '') ? Number(params.get('size')) : 50,
  };
}

/**
 * The card list: full-text search, filters, server-side sort and paging, choosable columns, saved
 * views, selection with bulk moves, and CSV export of the current view (every matching card, made
 * by a job on the server: a progress bar, then a download link). Press / to search.
 */
export function CardListPage() {
  const { t } = useTranslation();
  usePageTitle(t('cards.title'));
  const { principal } = useSession();
  const canWrite = !!principal && (WRITE_ROLES.includes(principal.role) || principal.role === 'station');
  const [params, setParams] = useSearchParams();
  const query = useMemo(() => queryOf(params), [params]);
  const [search, setSearch] = useState(query.q ?? '');
  const [columns, setColumns] = useState<ColumnKey[]>(() => loadLocal(COLUMNS_KEY, [...DEFAULT_COLUMNS], Array.isArray));
  const [views, setViews] = useState<SavedView[]>(() => loadLocal(VIEWS_KEY, [], Array.isArray));
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkOpen, setBulkOpen] = useState(false);
  const [exportJob, setExportJob] = useState<CardExportJob | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const list = useApi((signal) => cardsApi.list(query, signal), [params.toString()]);
  const personTypeOptions = usePersonTypeOptions(query.personType ?? []);
  const items = list.data?.items ?? [];
  const total = list.data?.total ?? items.length;
  const pages = Math.max(1, Math.ceil(Math.min(total, PAGE_NUMBERS_MAX) / query.limit));
  const exportRunning = exportJob !== null && (exportJob.status === 'queued' || exportJob.status === 'running');
  const exportId = exportJob?.id;

  useEffect(() => setSelected(new Set()), [params]);
  // Follows the running export until it ends; leaving the page stops following (the job goes on).
  useEffect(() => {
    if (!exportRunning || !exportId) return undefined;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      cardsApi.exportStatus(exportId, controller.signal).then(setExportJob, (error: unknown) => {
        if (!controller.signal.aborted) {
          setExportError(error);
          setExportJob(null);
        }
      });
    }, EXPORT_POLL_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [exportRunning, exportId, exportJob]);
  useEffect(() => setSearch(query.q ?? ''), [query.q]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (event.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(target?.tagName ?? '')) {
        event.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  function update(changes: Record<string, string | null>, resetPage = true) {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    if (resetPage && !('page' in changes)) next.delete('page');
    setParams(next);
  }

  function submitSearch(event: FormEvent) {
    event.preventDefault();
    update({ q: search.trim() });
  }

  function toggleSort(sort: 'lastName' | 'requestedAt' | 'updatedAt') {
    // Names start A to Z, dates newest first; a second click turns the order round.
    const order = query.sort === sort ? (query.order === 'desc' ? 'asc' : 'desc') : sort === 'lastName' ? 'asc' : 'desc';
    update({ sort, order });
  }

  function chooseColumns(keys: ColumnKey[]) {
    const ordered = COLUMNS.map((column) => column.key).filter((key) => keys.includes(key));
    setColumns(ordered);
    saveLocal(COLUMNS_KEY, ordered);
  }

  function saveView() {
    const name = window.prompt(t('cards.views.namePrompt'));
    if (!name?.trim()) return;
    const next = [...views.filter((view) => view.name !== name.trim()), { name: name.trim(), search: params.toString() }];
    setViews(next);
    saveLocal(VIEWS_KEY, next);
  }

  function deleteView(name: string) {
    const next = views.filter((view) => view.name !== name);
    setViews(next);
    saveLocal(VIEWS_KEY, next);
  }

  /** Exports every card of the current filters and order, in the shown columns with their titles. */
  async function exportCsv() {
    setExportError(null);
    try {
      setExportJob(await cardsApi.startExport({
        q: query.q || undefined,
        state: query.state && query.state.length > 0 ? [...query.state] : undefined,
        personType: query.personType && query.personType.length > 0 ? [...query.personType] : undefined,
        hasPendingRequest: query.hasPendingRequest,
        sort: query.sort,
        order: query.order,
        columns: ['id', ...shownKeys],
        labels: Object.fromEntries(shownKeys.map((key) => [key, t(`cards.columns.${key}`)])),
      }));
    } catch (error) {
      setExportError(error);
    }
  }

  const shownKeys = shownColumnKeys(columns, severalInView(principal));
  const shownColumns = COLUMNS.filter((column) => shownKeys.includes(column.key));
  const allSelected = items.length > 0 && items.every((card) => selected.has(card.id));
  const selectedCards = items.filter((card) => selected.has(card.id));

  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Title order={1} size="h2">{t('cards.title')}</Title>
        <Group gap="xs">
          <Menu closeOnItemClick={false}>
            <Menu.Target><Button variant="default" size="xs" data-testid="columns-menu">{t('cards.chooseColumns')}</Button></Menu.Target>
            <Menu.Dropdown>
              {COLUMNS.map((column) => (
                <Menu.Item key={column.key} component="div">
                  <Checkbox
                    label={t(`cards.columns.${column.key}`)}
                    checked={columns.includes(column.key)}
                    onChange={(event) => chooseColumns(event.currentTarget.checked ? [...columns, column.key] : columns.filter((key) => key !== column.key))}
                  />
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          <Menu>
            <Menu.Target><Button variant="default" size="xs" data-testid="views-menu">{t('cards.views.title')}</Button></Menu.Target>
            <Menu.Dropdown>
              {views.length === 0 ? <Menu.Label>{t('cards.views.none')}</Menu.Label> : null}
              {views.map((view) => (
                <Menu.Item key={view.name} onClick={() => setParams(new URLSearchParams(view.search))}
                  rightSection={<ActionIcon component="span" size="xs" variant="subtle" color="red" aria-label={t('cards.views.delete', { name: view.name })}
                    onClick={(event) => { event.stopPropagation(); deleteView(view.name); }}>×</ActionIcon>}>
                  {view.name}
                </Menu.Item>
              ))}
              <Menu.Divider />
              <Menu.Item onClick={saveView}>{t('cards.views.save')}</Menu.Item>
            </Menu.Dropdown>
          </Menu>
          <Button variant="default" size="xs" onClick={() => void exportCsv()} loading={exportRunning} data-testid="export-csv">{t('cards.exportCsv')}</Button>
        </Group>
      </Group>
      <Paper withBorder p="sm">
        <form onSubmit={submitSearch} role="search">
          <Group align="flex-end" gap="sm" wrap="wrap">
            <TextInput
              ref={searchRef}
              label={t('cards.search')}
              description={t('cards.searchHelp')}
              value={search}
              onChange={(event) => setSearch(event.currentTarget.value)}
              style={{ flex: 2, minWidth: 220 }}
              data-testid="card-search"
            />
            <MultiSelect
              label={t('cards.filters.state')}
              data={CARD_STATES.map((state) => ({ value: state, label: t(`state.${state}`) }))}
              value={[...(query.state ?? [])]}
              onChange={(value) => update({ state: value.join(',') })}
              clearable
              searchable
              style={{ flex: 1, minWidth: 200 }}
              data-testid="filter-state"
            />
            <MultiSelect
              label={t('cards.filters.personType')}
              data={personTypeOptions}
              value={[...(query.personType ?? [])]}
              onChange={(value) => update({ type: value.join(',') })}
              clearable
              style={{ flex: 1, minWidth: 160 }}
            />
            <Select
              label={t('cards.filters.pending')}
              data={[{ value: 'any', label: t('common.all') }, { value: 'yes', label: t('common.yes') }, { value: 'no', label: t('common.no') }]}
              value={query.hasPendingRequest === undefined ? 'any' : query.hasPendingRequest ? 'yes' : 'no'}
              onChange={(value) => update({ pending: value === 'any' ? null : value })}
              allowDeselect={false}
              w={150}
            />
            <Button type="submit" data-testid="card-search-submit">{t('common.search')}</Button>
          </Group>
        </form>
      </Paper>
      <ProblemAlert error={list.error ?? exportError} />
      {exportJob ? (
        <Group gap="sm" data-testid="export-status">
          {exportRunning ? (
            <>
              <Text size="sm">{t('cards.exporting', { current: formatNumber(exportJob.progress.current) })}</Text>
              <Progress value={exportJob.progress.percent ?? 0} aria-label={t('cards.exportProgress')} animated style={{ flex: 1 }} data-testid="export-progress" />
            </>
          ) : exportJob.status === 'succeeded' ? (
            <Anchor href={cardsApi.exportFileUrl(exportJob.id)} download data-testid="export-download">
              {t('cards.exportReady', { count: Number(exportJob.result?.rows ?? 0), formatted: formatNumber(Number(exportJob.result?.rows ?? 0)) })}
            </Anchor>
          ) : (
            <Alert color="red" data-testid="export-failed">{t('cards.exportFailed')}</Alert>
          )}
        </Group>
      ) : null}
      <Group justify="space-between">
        <Text size="sm" role="status" data-testid="card-count">{list.data?.totalCapped ? t('cards.countCapped', { formatted: formatNumber(total) }) : t('cards.count', { count: total, formatted: formatNumber(total) })}</Text>
        {canWrite ? (
          <Button size="xs" disabled={selectedCards.length === 0} onClick={() => setBulkOpen(true)} data-testid="bulk-open">
            {t('cards.bulkMove', { count: selectedCards.length })}
          </Button>
        ) : null}
      </Group>
      <Table.ScrollContainer minWidth={720}>
        <Table striped highlightOnHover stickyHeader verticalSpacing={4} data-testid="card-table" aria-busy={list.loading}>
          <Table.Thead>
            <Table.Tr>
              {canWrite ? (
                <Table.Th w={36}>
                  <Checkbox
                    aria-label={t('cards.selectAll')}
                    checked={allSelected}
                    indeterminate={!allSelected && selectedCards.length > 0}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(items.map((card) => card.id)))}
                    data-testid="select-all"
                  />
                </Table.Th>
              ) : null}
              {shownColumns.map((column) => {
                const active = column.sort !== undefined && query.sort === column.sort;
                return (
                  <Table.Th key={column.key} aria-sort={active ? (query.order === 'asc' ? 'ascending' : 'descending') : undefined}>
                    {column.sort ? (
                      <UnstyledButton onClick={() => toggleSort(column.sort!)} fw={700} fz="sm" data-testid={`sort-${column.key}`}>
                        {t(`cards.columns.${column.key}`)} {active ? (query.order === 'asc' ? '▲' : '▼') : '↕'}
                      </UnstyledButton>
                    ) : t(`cards.columns.${column.key}`)}
                  </Table.Th>
                );
              })}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((card) => (
              <Table.Tr key={card.id} data-testid="card-row" data-card-id={card.id} data-state={card.state}>
                {canWrite ? (
                  <Table.Td>
                    <Checkbox
                      aria-label={t('cards.select', { name: `${card.holder.firstName} ${card.holder.lastName}` })}
                      checked={selected.has(card.id)}
                      onChange={(event) => {
                        const next = new Set(selected);
                        if (event.currentTarget.checked) next.add(card.id);
                        else next.delete(card.id);
                        setSelected(next);
                      }}
                    />
                  </Table.Td>
                ) : null}
                {shownColumns.map((column) => (
                  <Table.Td key={column.key}>
                    {column.key === 'holder' ? (
                      <Anchor component={Link} to={`/office/cards/${card.id}`} fw={600}>{column.text(card, t)}</Anchor>
                    ) : column.key === 'state' ? (
                      <StateBadge state={card.state} size="sm" />
                    ) : column.key === 'escn' || column.key === 'csn' ? (
                      <Text ff="monospace" size="xs">{column.text(card, t)}</Text>
                    ) : column.text(card, t)}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.data && items.length === 0 ? <Alert color="gray">{t('cards.empty')}</Alert> : null}
      <Group justify="space-between">
        <Pagination
          total={pages}
          value={query.page}
          onChange={(page) => update({ page: String(page) }, false)}
          getControlProps={(control) => ({ 'aria-label': t(`cards.pagination.${control}`) })}
          getItemProps={(page) => ({ 'aria-label': t('cards.pagination.page', { page }) })}
          data-testid="pagination"
        />
        <Select
          aria-label={t('cards.pageSize')}
          data={PAGE_SIZES.map((size) => ({ value: size, label: t('cards.perPage', { size }) }))}
          value={String(query.limit)}
          onChange={(value) => update({ size: value })}
          allowDeselect={false}
          w={150}
        />
      </Group>
      {bulkOpen ? (
        <BulkMoveModal cards={selectedCards} opened onClose={() => setBulkOpen(false)} onDone={() => list.reload()} />
      ) : null}
    </Stack>
  );
}
