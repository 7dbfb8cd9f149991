import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { CardTemplateLayout } from './domain/card-template.ts';
import type {
  CardTemplateAssetsTable, CardTemplateRulesTable, CardTemplatesTable, CardTemplateVersionsTable, PrintBatchesTable,
} from './card-templates.tables.ts';

export type TemplateRow = Selectable<CardTemplatesTable>;
export type VersionRow = Selectable<CardTemplateVersionsTable>;
export type RuleRow = Selectable<CardTemplateRulesTable>;
export type AssetMetaRow = Omit<Selectable<CardTemplateAssetsTable>, 'content'>;
export type BatchRow = Selectable<PrintBatchesTable>;

/** Institutions a caller reaches (null: all); deployment-wide rows (institution null) are always visible. */
export type Reach = readonly number[] | null;

/** Rows of these institutions, or of the whole deployment, as a query condition on `column`. */
function visible(column: string, reach: Reach) {
  if (reach === null) return sql<boolean>`true`;
  if (reach.length === 0) return sql<boolean>`${sql.ref(column)} IS NULL`;
  return sql<boolean>`(${sql.ref(column)} IS NULL OR ${sql.ref(column)} = ANY (${sql.val(`{${reach.join(',')}}`)}::smallint[]))`;
}

const ASSET_META = ['id', 'institutionId', 'name', 'mediaType', 'width', 'height', 'createdBy', 'createdAt'] as const;

export async function listTemplates(executor: Executor, reach: Reach, includeArchived: boolean): Promise<TemplateRow[]> {
  let query = executor.selectFrom('cardTemplates').selectAll().where(() => visible('card_templates.institution_id', reach));
  if (!includeArchived) query = query.where('archivedAt', 'is', null);
  return query.orderBy('name').orderBy('id').execute();
}

/** One template the caller reaches; `forUpdate` locks it until the transaction ends. */
export async function findTemplate(executor: Executor, id: string, reach: Reach, options: { forUpdate?: boolean } = {}): Promise<TemplateRow | undefined> {
  let query = executor.selectFrom('cardTemplates').selectAll().where('id', '=', id).where(() => visible('card_templates.institution_id', reach));
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function insertTemplate(executor: Executor, row: { institutionId: number | null; name: string; actor: string }): Promise<TemplateRow> {
  return executor.insertInto('cardTemplates')
    .values({ institutionId: row.institutionId, name: row.name, createdBy: row.actor, updatedBy: row.actor })
    .returningAll().executeTakeFirstOrThrow();
}

export async function updateTemplate(executor: Executor, id: string, changes: { name?: string; currentVersion?: number; archivedAt?: Date | null },
  actor: string): Promise<TemplateRow> {
  return executor.updateTable('cardTemplates').set({ ...changes, updatedBy: actor, updatedAt: new Date() }).where('id', '=', id)
    .returningAll().executeTakeFirstOrThrow();
}

export async function insertVersion(executor: Executor, row: { templateId: string; version: number; layout: CardTemplateLayout; actor: string }): Promise<VersionRow> {
  return executor.insertInto('cardTemplateVersions')
    .values({ templateId: row.templateId, version: row.version, layout: JSON.stringify(row.layout), createdBy: row.actor })
    .returningAll().executeTakeFirstOrThrow();
}

export async function findVersion(executor: Executor, templateId: string, version: number): Promise<VersionRow | undefined> {
  return executor.selectFrom('cardTemplateVersions').selectAll().where('templateId', '=', templateId).where('version', '=', version).executeTakeFirst();
}

export async function findVersionsByIds(executor: Executor, ids: readonly string[]): Promise<VersionRow[]> {
  if (ids.length === 0) return [];
  return executor.selectFrom('cardTemplateVersions').selectAll().where('id', 'in', [...ids]).execute();
}

/** The current version of each of these templates. */
export async function findCurrentVersions(executor: Executor, templateIds: readonly string[]): Promise<VersionRow[]> {
  if (templateIds.length === 0) return [];
  return executor.selectFrom('cardTemplateVersions').innerJoin('cardTemplates', 'cardTemplates.id', 'cardTemplateVersions.templateId')
    .selectAll('cardTemplateVersions').where('cardTemplates.id', 'in', [...templateIds])
    .whereRef('cardTemplateVersions.version', '=', 'cardTemplates.currentVersion').execute();
}

/** Version numbers and authors of a template, newest first. */
export async function listVersions(executor: Executor, templateId: string): Promise<Array<Pick<VersionRow, 'id' | 'version' | 'createdBy' | 'createdAt'>>> {
  return executor.selectFrom('cardTemplateVersions').select(['id', 'version', 'createdBy', 'createdAt']).where('templateId', '=', templateId)
    .orderBy('version', 'desc').execute();
}

export async function insertAsset(executor: Executor, row: {
  institutionId: number | null; name: string; mediaType: 'image/png' | 'image/jpeg'; content: Uint8Array; width: number; height: number; actor: string;
}): Promise<AssetMetaRow> {
  const { actor, ...values } = row;
  return executor.insertInto('cardTemplateAssets').values({ ...values, createdBy: actor }).returning(ASSET_META).executeTakeFirstOrThrow();
}

export async function listAssets(executor: Executor, reach: Reach): Promise<AssetMetaRow[]> {
  return executor.selectFrom('cardTemplateAssets').select(ASSET_META).where(() => visible('card_template_assets.institution_id', reach))
    .orderBy('createdAt', 'desc').execute();
}

/** The ids of the assets a template of `institutionId` may show: its institution's and the deployment's. */
export async function assetIdsFor(executor: Executor, institutionId: number | null): Promise<Set<string>> {
  const rows = await executor.selectFrom('cardTemplateAssets').select('id')
    .where(() => visible('card_template_assets.institution_id', institutionId === null ? [] : [institutionId])).execute();
  return new Set(rows.map((row) => row.id));
}

/** Asset bytes by id (unknown ids left out). */
export async function findAssetContents(executor: Executor, ids: readonly string[]): Promise<Map<string, { mediaType: string; content: Uint8Array }>> {
  const valid = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (valid.length === 0) return new Map();
  const rows = await executor.selectFrom('cardTemplateAssets').select(['id', 'mediaType', 'content']).where('id', 'in', valid).execute();
  return new Map(rows.map((row) => [row.id, { mediaType: row.mediaType, content: row.content }]));
}

export async function findAsset(executor: Executor, id: string, reach: Reach): Promise<(AssetMetaRow & { content: Uint8Array }) | undefined> {
  return executor.selectFrom('cardTemplateAssets').select([...ASSET_META, 'content']).where('id', '=', id)
    .where(() => visible('card_template_assets.institution_id', reach)).executeTakeFirst();
}

export async function listRules(executor: Executor, reach: Reach): Promise<RuleRow[]> {
  return executor.selectFrom('cardTemplateRules').selectAll().where(() => visible('card_template_rules.institution_id', reach))
    .orderBy('institutionId').orderBy('personType').orderBy('cardKind').execute();
}

/** Every rule that may apply to cards of these institutions (theirs and the deployment's), with live templates only. */
export async function rulesFor(executor: Executor, institutionIds: readonly number[]): Promise<RuleRow[]> {
  return executor.selectFrom('cardTemplateRules').innerJoin('cardTemplates', 'cardTemplates.id', 'cardTemplateRules.templateId')
    .selectAll('cardTemplateRules').where('cardTemplates.archivedAt', 'is', null)
    .where(() => visible('card_template_rules.institution_id', institutionIds)).execute();
}

export async function insertRule(executor: Executor, row: {
  institutionId: number | null; personType: string | null; cardKind: 'physical' | 'virtual' | null; templateId: string; actor: string;
}): Promise<RuleRow> {
  const { actor, ...values } = row;
  return executor.insertInto('cardTemplateRules').values({ ...values, createdBy: actor }).returningAll().executeTakeFirstOrThrow();
}

export async function findRule(executor: Executor, id: string, reach: Reach): Promise<RuleRow | undefined> {
  return executor.selectFrom('cardTemplateRules').selectAll().where('id', '=', id).where(() => visible('card_template_rules.institution_id', reach))
    .executeTakeFirst();
}

export async function deleteRule(executor: Executor, id: string): Promise<void> {
  await executor.deleteFrom('cardTemplateRules').where('id', '=', id).execute();
}

/** The template version each card was last printed with. */
export async function latestPrints(executor: Executor, cardIds: readonly string[]): Promise<Map<string, string>> {
  if (cardIds.length === 0) return new Map();
  const rows = await executor.selectFrom('cardPrints').select(['cardId', 'templateVersionId']).where('cardId', 'in', [...cardIds])
    .orderBy('cardId').orderBy('printedAt', 'desc').distinctOn('cardId').execute();
  return new Map(rows.map((row) => [row.cardId, row.templateVersionId]));
}

export async function insertPrints(executor: Executor, rows: ReadonlyArray<{ cardId: string; templateVersionId: string; batchId: string | null }>,
  at: Date): Promise<void> {
  if (rows.length === 0) return;
  await executor.insertInto('cardPrints')
    .values(rows.map((row) => ({ cardId: row.cardId, templateVersionId: row.templateVersionId, batchId: row.batchId, printedAt: at }))).execute();
}

export async function insertBatch(executor: Executor, row: { institutionId: number; cardCount: number; duplex: boolean; actor: string }): Promise<BatchRow> {
  return executor.insertInto('printBatches')
    .values({ institutionId: row.institutionId, cardCount: row.cardCount, duplex: row.duplex, createdBy: row.actor })
    .returningAll().executeTakeFirstOrThrow();
}

/** A batch of one of these institutions (null: any); `forUpdate` locks it until the transaction ends. */
export async function findBatch(executor: Executor, id: string, reach: Reach, options: { forUpdate?: boolean } = {}): Promise<BatchRow | undefined> {
  let query = executor.selectFrom('printBatches').selectAll().where('id', '=', id);
  if (reach !== null) query = reach.length === 0 ? query.where(sql<boolean>`false`) : query.where('institutionId', 'in', [...reach]);
  if (options.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function listBatches(executor: Executor, reach: Reach, limit: number): Promise<BatchRow[]> {
  let query = executor.selectFrom('printBatches').selectAll();
  if (reach !== null) query = reach.length === 0 ? query.where(sql<boolean>`false`) : query.where('institutionId', 'in', [...reach]);
  return query.orderBy('createdAt', 'desc').limit(limit).execute();
}

export async function updateBatch(executor: Executor, id: string, changes: Partial<Omit<BatchRow, 'id' | 'institutionId' | 'createdBy' | 'createdAt'>>): Promise<void> {
  await executor.updateTable('printBatches').set(changes).where('id', '=', id).execute();
}

export async function insertBatchCards(executor: Executor, batchId: string, rows: ReadonlyArray<{ cardId: string; templateVersionId: string }>): Promise<void> {
  for (let start = 0; start < rows.length; start += 1000) {
    await executor.insertInto('printBatchCards')
      .values(rows.slice(start, start + 1000).map((row, index) => ({ batchId, seq: start + index, ...row }))).execute();
  }
}

/** The cards of a batch after `afterSeq`, in file order, at most `limit`. */
export async function batchCardsPage(executor: Executor, batchId: string, afterSeq: number, limit: number): Promise<Array<{ seq: number; cardId: string; templateVersionId: string }>> {
  return executor.selectFrom('printBatchCards').select(['seq', 'cardId', 'templateVersionId']).where('batchId', '=', batchId)
    .where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
}

export async function deleteParts(executor: Executor, batchId: string): Promise<void> {
  await executor.deleteFrom('printBatchParts').where('batchId', '=', batchId).execute();
}

export async function insertPart(executor: Executor, batchId: string, seq: number, content: Uint8Array): Promise<void> {
  await executor.insertInto('printBatchParts').values({ batchId, seq, content }).execute();
}

export async function findPart(executor: Executor, batchId: string, seq: number): Promise<Uint8Array | undefined> {
  const row = await executor.selectFrom('printBatchParts').select('content').where('batchId', '=', batchId).where('seq', '=', seq).executeTakeFirst();
  return row?.content;
}
