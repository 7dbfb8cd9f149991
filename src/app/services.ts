import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Database } from '../platform/db/schema.ts';
import type { AccessScope } from '../platform/db/scope-filter.ts';
import type { EmbeddedEscRouter } from '../adapters/esc-router/esc-router.embedded.ts';
import type { JobQueue } from '../platform/jobs/job-queue.ts';
import { createAuthService } from '../modules/auth/auth.service.ts';
import { createGroupRolesService } from '../modules/auth/group-roles.service.ts';
import { createAuditService } from '../modules/audit/audit.service.ts';
import { createSsoService } from '../modules/sso/sso.service.ts';
import { createSamlMetadataService } from '../modules/sso/saml-metadata.service.ts';
import { createJobRunsService } from '../modules/jobs/jobs.service.ts';
import { createInstitutionService } from '../modules/institution/institution.service.ts';
import { createNotificationsService } from '../modules/notifications/notifications.service.ts';
import { createPeopleService } from '../modules/people/people.service.ts';
import { readerOf } from '../modules/people/people.policy.ts';
import { connectorFieldIds } from '../modules/people/domain/personal-data-fields.ts';
import { CROUS_DATA_FIELDS } from '../modules/crous/domain/crous-data-fields.ts';
import { ESC_DATA_FIELDS } from '../modules/esc/domain/esc-data-fields.ts';
import { PUBLISHED_HOLDER_FIELDS } from '../modules/verification/domain/published-holder-fields.ts';
import { createPhotosService } from '../modules/photos/photos.service.ts';
import { createImportsService } from '../modules/imports/imports.service.ts';
import { createCardsService } from '../modules/cards/cards.service.ts';
import { CARD_STATS_QUEUES, createCardStatsService } from '../modules/cards/card-stats.service.ts';
import { createEscnGenerator, type EscnGenerator } from '../modules/esc/domain/escn.ts';
import { createEscSyncService, ESC_CONNECTOR } from '../modules/esc/esc-sync.service.ts';
import { escConnectorDefinition } from '../modules/esc/esc-connector-settings.ts';
import { createVerificationService } from '../modules/verification/verification.service.ts';
import { createDirectoryService } from '../modules/directory/directory.service.ts';
import { createEventsService } from '../platform/events/events.service.ts';
import { createWebhooksService } from '../modules/webhooks/webhooks.service.ts';
import { createWebhookSyncService, WEBHOOK_CONNECTOR, WEBHOOK_QUEUES } from '../modules/webhooks/webhook-sync.service.ts';
import { createLdapSource } from '../adapters/ldap/ldap.source.ts';
import { createSqlSource } from '../adapters/sql-source/sql.source.ts';
import { createRestSource } from '../adapters/rest-source/rest.source.ts';
import { CSV_MAPPING, createCsvSourceFactory } from '../adapters/csv-source/csv.source.ts';
import { createSourceFilesService } from '../modules/directory/source-files.service.ts';
import { createConnectorRegistry } from '../platform/connectors/connector-registry.ts';
import { createConnectorSettingsService } from '../platform/connectors/connector-settings.service.ts';
import { crousConnectorDefinition, type EmbeddedCrousEndpoint } from '../modules/crous/crous-connector-settings.ts';
import { createCrousTariffService } from '../modules/crous/crous-tariff.service.ts';
import { createCrousFilesService, tariffsByPersonType } from '../modules/crous/crous-files.service.ts';
import { createCardExportService } from '../modules/cards/card-export.service.ts';
import { createCrousCardImportService, preEncodedCardFor } from '../modules/crous/crous-card-file-import.service.ts';
import { createCrousSyncService, CROUS_QUEUES } from '../modules/crous/crous-sync.service.ts';
import { createCrousLiveStateService } from '../modules/crous/crous-live-state.service.ts';
import { createCrousReconcileService } from '../modules/crous/crous-reconcile.service.ts';
import { createSyncOperationsService } from '../platform/sync/sync-operations.service.ts';
import { ESC_QUEUES } from '../modules/esc/esc-sync.service.ts';
import { createCardImportService } from '../modules/cards/card-import.service.ts';
import { createCardMigrationService } from '../modules/card-migration/card-migration.service.ts';
import { createPrintersService } from '../modules/printers/printers.service.ts';
import { printBatchesPort } from '../modules/printers/print-batches.port.ts';
import { createInstitutionAdminService } from '../modules/institution/institution-admin.service.ts';
import { createCardTemplatesService } from '../modules/card-templates/card-templates.service.ts';
import { createPrintBatchesService } from '../modules/card-templates/print-batches.service.ts';
import { renderFacePng, renderFaceSvg } from '../modules/card-templates/render/card-render.ts';
import { writeBatchPdf } from '../modules/card-templates/render/batch-pdf.ts';
import { createCardIdentifiersService } from '../modules/card-identifiers/card-identifiers.service.ts';
import { createEncodingService } from '../modules/encoding/encoding.service.ts';
import { idZdcOf } from '../modules/crous/domain/crous-sync-rules.ts';
import { CROUS_CONNECTOR_ID, type CrousSettings } from '../modules/crous/crous-connector-settings.ts';

export interface ServiceContext {
  config: Config;
  db: Kysely<Database>;
  jobs: JobQueue;
  logger: Logger;
  now?: () => Date;
  /** The demo router started by `serve` (ESC_ROUTER_SIMULATOR), which binds each institution's key to its PIC. */
  embeddedEscRouter?: Pick<EmbeddedEscRouter, 'keyFor'>;
  /** The demo CROUS started by `serve` (CROUS_SIMULATOR): institutions set to `environment: simulator` call it. */
  embeddedCrous?: EmbeddedCrousEndpoint;
}

/**
 * The composition root: builds every context's service with its dependencies. Contexts talk to
 * each other only through the services passed in here.
 */
export function createServices(context: ServiceContext) {
  const { config, db } = context;
  const institution = createInstitutionService(db);
  const auth = createAuthService(db, {
    sessionTtlHours: config.sessionTtlHours,
    loginMaxAttempts: config.loginMaxAttempts,
    loginWindowMinutes: config.loginWindowMinutes,
    institutions: institution,
    ...(context.now ? { now: context.now } : {}),
  });
  // Office roles from directory / IdP groups: single sign-on calls roleAtLogin, directory syncs recordMemberships.
  const groupRoles = createGroupRolesService(db, { institutions: institution, ...(context.now ? { now: context.now } : {}) });
  const audit = createAuditService(db);
  const jobRuns = createJobRunsService(db, { logger: context.logger });
  const notifications = createNotificationsService({
    db, jobs: context.jobs, config, logger: context.logger,
    // A mail signs with its institution's name; one about no institution, with the first one's.
    institutionName: async (executor, institutionId) =>
      (institutionId === null ? await institution.find(executor) : await institution.byId(executor, institutionId))?.name,
    ...(context.now ? { now: context.now } : {}),
  });
  const people = createPeopleService({
    db, institution, audit,
    consentDataFields: {
      esc: connectorFieldIds(ESC_DATA_FIELDS),
      crous: connectorFieldIds(CROUS_DATA_FIELDS),
      photo_publication: connectorFieldIds(PUBLISHED_HOLDER_FIELDS),
    },
    ...(context.now ? { now: context.now } : {}),
  });
  // Single sign-on core (CAS, SAML, OIDC protocol routes build on it); `sso:<id>` actors are named by the method's label.
  const sso = createSsoService({
    db, ssoMethods: config.ssoMethods, publicUrl: config.publicUrl, cookieSecure: config.cookieSecure,
    auth, people, institution, logger: context.logger, groupRoles: () => groupRoles,
    ...(context.now ? { now: context.now } : {}),
  });
  auth.registerActorNames('sso:', (ids) => sso.actorNames(ids));
  // SAML IdP metadata: refreshed by a job, stored once for every node, read by logins.
  const samlMetadata = createSamlMetadataService({
    db, ssoMethods: config.ssoMethods, jobs: context.jobs, logger: context.logger,
    ...(context.now ? { now: context.now } : {}),
  });
  const photos = createPhotosService({ db, config });
  people.addExportSection('photos', (executor, personId) => photos.listForPerson(executor, personId));
  const imports = createImportsService({
    db, people, jobRuns, jobs: context.jobs, logger: context.logger,
    singleConnection: config.databaseUrl === undefined,
    ...(context.now ? { now: context.now } : {}),
  });
  // People from directories (LDAP, SQL, REST, CSV), synced as jobs; group memberships go to the group roles.
  const sourceFiles = createSourceFilesService({ directory: config.personSourceDir });
  const directory = createDirectoryService({
    db, institution, people, photos, jobRuns, jobs: context.jobs, logger: context.logger, secrets: config.directorySecrets, sourceFiles,
    groupRoles: () => groupRoles,
    kinds: {
      ldap: { factory: createLdapSource }, sql: { factory: createSqlSource }, rest: { factory: createRestSource },
      csv: { factory: createCsvSourceFactory((path) => sourceFiles.resolve(path)), defaultMapping: CSV_MAPPING },
    },
    ...(context.now ? { now: context.now } : {}),
  });
  // One ESCN generator per PIC: its per-millisecond counter keeps the numbers of this process distinct.
  const escnGenerators = new Map<string, EscnGenerator>();
  // The access-control and secondary ids a card carries, assigned in the card's creating transaction.
  const cardIdentifiers = createCardIdentifiersService({ db, institutions: institution });
  const cards = createCardsService({
    db, people, photos, institution, logger: context.logger, identifiers: cardIdentifiers,
    notify: (executor, mails) => notifications.notifyMany(executor, mails),
    mintEscn: (pic) => {
      let generator = escnGenerators.get(pic);
      if (!generator) {
        generator = createEscnGenerator({ pic, prefix: config.escEscnPrefix });
        escnGenerators.set(pic, generator);
      }
      return generator.next();
    },
    ...(context.now ? { now: context.now } : {}),
  });
  // Card exports of any size: a job writes the file a part at a time; its author downloads it.
  const cardExport = createCardExportService({ db, jobRuns, jobs: context.jobs, logger: context.logger, ...(context.now ? { now: context.now } : {}) });
  const holderFields = new Set(['eppn', 'firstName', 'lastName', 'email', 'personType', 'studentNumber', 'ine']);
  people.onPeopleChanged(async (executor, changes) => {
    const changed = changes.filter((change) => !change.created && change.changedFields.some((field) => holderFields.has(field)));
    await cards.refreshHolders(executor, changed.map((change) => change.person));
  });
  people.addExportSection('cards', (executor, personId) => cards.exportData(personId, executor));
  // ESC Router sync, per institution: outbox entries are written in the transaction of each change
  // (card moves, person data, ESC consent); workers deliver them later (job-definitions), each
  // institution with its own PIC and key. The embedded demo router binds each key to its PIC.
  const escSync = createEscSyncService({
    db, config, logger: context.logger, jobs: context.jobs, jobRuns,
    settingsOf: (executor, institutionId) => institution.settingsOf(executor, institutionId),
    // Read at each pass: the connector settings service is built below.
    pausedInstitutions: () => connectorSettings.pausedInstitutions(db, ESC_CONNECTOR),
    ...(context.embeddedEscRouter ? { embeddedRouter: context.embeddedEscRouter } : {}),
  }, { concurrency: config.syncConcurrency.esc });
  cards.onCardMoved((executor, moves) => escSync.onCardsMoved(executor, moves));
  people.onPeopleChanged((executor, changes) => escSync.onPeopleChanged(executor, changes));
  people.onConsentChanged((executor, personId, kind, granted) => escSync.onConsentChanged(executor, personId, kind, granted));
  // The event log (pull API, webhooks later): each change's events are written in its transaction,
  // a bulk import's chunk in one statement.
  const events = createEventsService({
    db, retentionDays: config.eventRetentionDays,
    institutionCode: async (executor, id) => (await institution.byId(executor, id))?.code,
    ...(context.now ? { now: context.now } : {}),
  });
  cards.onCardMoved((executor, moves) => events.recordCardMoves(executor, moves));
  people.onPeopleChanged((executor, changes) => events.recordPeopleChanges(executor, changes));
  people.onConsentChanged(async (executor, personId, kind, granted) =>
    events.recordConsent(executor, await people.get(personId, executor), kind, granted));
  // Webhook endpoints (secrets encrypted with CONNECTOR_SECRETS_KEY), and their connector: the
  // event log's listener files one outbox entry per event and endpoint in the transaction of the
  // change; the sweep job delivers them, signed, in order per endpoint.
  const webhooks = createWebhooksService({
    db, institution, secretsKey: config.connectorSecretsKey, allowHttpLoopback: config.webhookAllowHttpLoopback,
    // Built just below; called only once an admin resumes an endpoint.
    onActivated: (executor, endpointId) => webhookSync.onEndpointActivated(executor, endpointId),
    ...(context.now ? { now: context.now } : {}),
  });
  const webhookSync = createWebhookSyncService({
    db, logger: context.logger, jobs: context.jobs, webhooks, events, options: { concurrency: config.syncConcurrency.webhooks },
    institutionCode: async (executor, id) => (await institution.byId(executor, id))?.code,
    ...(context.now ? { now: context.now } : {}),
  });
  events.onEventsWritten((executor, written) => webhookSync.onEventsWritten(executor, written));
  // CROUS/Izly through files: account files per institution and kind (jobs, schedule, history) and the
  // CROUS's pre-encoded card file.
  const crousFiles = createCrousFilesService({
    db, institution, jobRuns, jobs: context.jobs, logger: context.logger,
    // The CROUS's tariff rules (crousTariff, below: only called once a file is made).
    tariffs: tariffsByPersonType((executor, id) => institution.personTypesOf(executor, id),
      (executor, id, person) => crousTariff.tariffFor(executor, id, person)),
    ...(context.now ? { now: context.now } : {}),
  });
  const crousCards = createCrousCardImportService({ db, institution });
  // Migration from another card office system: persons, cards, photos, ids and consents, written
  // without connector traffic (the ESC Router and the CROUS already know these cards).
  const cardMigration = createCardMigrationService({
    db, institution, people, photos, cardImport: createCardImportService(), crousCards, identifiers: cardIdentifiers,
    jobRuns, jobs: context.jobs, logger: context.logger,
    ...(context.now ? { now: context.now } : {}),
  });
  const cardStats = createCardStatsService({
    db,
    // The dashboard may pass the caller's scope (a Principal is an AccessScope); none: the whole deployment.
    escSyncCounts: async (scope?: AccessScope) => {
      const status = await escSync.status(scope);
      return { enabled: status.enabled, ...status.counts };
    },
    enqueueSnapshot: () => context.jobs.send(CARD_STATS_QUEUES.snapshot, {}),
    ...(context.now ? { now: context.now } : {}),
  });
  const verification = createVerificationService({
    config,
    findCard: (escn) => cards.findForVerification(escn),
    issuer: async (institutionId) => {
      const found = await institution.byId(db, institutionId);
      if (!found) return undefined;
      const settings = await institution.settingsOf(db, institutionId);
      return { name: found.name, pic: found.pic, showHolderOnVerification: settings.showHolderOnVerification };
    },
    federationName: async (cardGroup) => (await institution.byId(db, cardGroup))?.name,
    publishedHolder: async (personId, photoId) => {
      if ((await people.consents(personId)).photo_publication?.granted !== true) return undefined;
      const person = await people.get(personId);
      const photo = photoId ? await photos.get(photoId).catch(() => undefined) : undefined;
      return { name: `${person.firstName} ${person.lastName}`, photo: photo ? { jpeg: photo.jpeg } : null };
    },
    ...(context.now ? { now: context.now } : {}),
  });
  // Connectors configured per institution (settings validated against each connector's schema,
  // secrets encrypted with CONNECTOR_SECRETS_KEY or named in CONNECTOR_SECRETS, pause/resume).
  const connectorRegistry = createConnectorRegistry();
  connectorRegistry.register(escConnectorDefinition(escSync));
  connectorRegistry.register(crousConnectorDefinition);
  const connectorSettings = createConnectorSettingsService({
    db, registry: connectorRegistry, institutions: institution, secretsKey: config.connectorSecretsKey,
    envSecrets: config.connectorSecrets, logger: context.logger,
    ...(context.now ? { now: context.now } : {}),
  });
  // CROUS tariff rules per institution: fetched daily and on demand, used to compute tariffs.
  const crousTariff = createCrousTariffService({
    db, connectors: connectorSettings, institutions: institution, logger: context.logger, jobs: context.jobs,
    ...(context.embeddedCrous ? { embedded: context.embeddedCrous } : {}),
    ...(context.now ? { now: context.now } : {}),
  });
  // The generic operator surfaces of the connectors (figures, entries, replays): ESC always, the
  // registry's connectors, and any other connector found in the outbox.
  const syncOperations = createSyncOperationsService({
    db, institutions: institution,
    connectors: [{
      id: 'esc', labels: { fr: 'Routeur ESC', en: 'ESC Router' },
      // A replay wakes the sweep (deduplicated while queued), which delivers everything due.
      wake: async (executor) => {
        await context.jobs.send(ESC_QUEUES.sweep, {}, { singletonKey: 'sweep', ...(executor.isTransaction ? { trx: executor as Transaction<Database> } : {}) });
      },
    }, {
      id: 'crous', labels: crousConnectorDefinition.labels,
      wake: async (executor) => {
        await context.jobs.send(CROUS_QUEUES.sweep, {}, { singletonKey: 'sweep', ...(executor.isTransaction ? { trx: executor as Transaction<Database> } : {}) });
      },
    }, {
      id: WEBHOOK_CONNECTOR, labels: { fr: 'Webhooks', en: 'Webhooks' },
      // Its subjects are endpoints (the outbox's person column holds the endpoint's id).
      subjects: { kind: 'endpoint', describe: (ids, scope) => webhooks.describeEndpoints(ids, scope) },
      wake: async (executor) => {
        await context.jobs.send(WEBHOOK_QUEUES.sweep, {}, { singletonKey: 'sweep', ...(executor.isTransaction ? { trx: executor as Transaction<Database> } : {}) });
      },
    }],
    registered: () => connectorRegistry.list(),
    paused: async (scope) => (await connectorSettings.list(scope)).filter((line) => line.paused)
      .map((line) => ({ connector: line.connector, institution: line.institution })),
  });
  // CROUS/Izly through the API, per institution (connector engine): outbox entries are written in
  // the transaction of each change (card moves, the person's account fields, CROUS consent) for
  // institutions whose CROUS connector is set up for the API; workers deliver them (job-definitions).
  const crousSync = createCrousSyncService({
    db, logger: context.logger, jobs: context.jobs, connectors: connectorSettings,
    institutionUai: async (executor, id) => (await institution.find(executor, id))?.uai ?? null,
    tariffFor: (executor, id, person) => crousTariff.tariffFor(executor, id, person),
    preEncodedCardFor,
    ...(context.embeddedCrous ? { embedded: context.embeddedCrous } : {}),
    ...(context.now ? { now: context.now } : {}),
  }, { concurrency: config.syncConcurrency.crous });
  cards.onCardMoved((executor, moves) => crousSync.onCardsMoved(executor, moves));
  people.onPeopleChanged((executor, changes) => crousSync.onPeopleChanged(executor, changes));
  people.onConsentChanged((executor, personId, kind, granted) => crousSync.onConsentChanged(executor, personId, kind, granted));
  // The CROUS account and cards read live for the card and person pages (30 s cache per node), and
  // the reconcile comparing campuscard with the CROUS (a job; differences go back through the outbox).
  const crousLiveState = createCrousLiveStateService({
    db, logger: context.logger, connectors: connectorSettings,
    institutionUai: async (executor, id) => (await institution.find(executor, id))?.uai ?? null,
    loadFacts: (subjects) => crousSync.loadFacts(subjects),
    ...(context.embeddedCrous ? { embedded: context.embeddedCrous } : {}),
    ...(context.now ? { now: context.now } : {}),
  });
  const crousReconcile = createCrousReconcileService({
    db, logger: context.logger, jobs: context.jobs, jobRuns, connectors: connectorSettings, crousSync,
    ...(context.now ? { now: context.now } : {}),
  });
  // Card templates (versioned layouts, images, rules) and batch print files made by a job.
  const institutionAdmin = createInstitutionAdminService(db);
  const cardTemplates = createCardTemplatesService({
    db, institution, cards, photos, qrPrefix: config.qrPrefix, renderFacePng, renderFaceSvg,
    personFor: (personId, principal) => people.read(personId, readerOf(principal)),
    institutionLogo: async (institutionId) => {
      const code = (await institution.byId(db, institutionId))?.code;
      const logo = code ? await institutionAdmin.logo(code) : undefined;
      return logo ? new Uint8Array(logo.bytes) : undefined;
    },
    identifiersOf: (executor, cardIds) => cardIdentifiers.ofCards(executor, cardIds),
    crousCardNumber: async (executor, institutionId, csn) => {
      const card = await preEncodedCardFor(executor, institutionId, csn);
      return card ? String(card.idZdc) : undefined;
    },
    ...(context.now ? { now: context.now } : {}),
  });
  const printBatches = createPrintBatchesService({
    db, jobRuns, jobs: context.jobs, cards, templates: cardTemplates, institution, writeBatchPdf, logger: context.logger,
    actorNames: (actors) => auth.actorNames(actors),
    ...(context.now ? { now: context.now } : {}),
  });
  // Card printers and their clients' jobs (print batches sent to a printer).
  const printers = createPrintersService({
    db, institution, printBatches: () => printBatchesPort(printBatches, institution, db), ...(context.now ? { now: context.now } : {}),
  });
  // Printers act in histories and on batches as `printer:<id>`: shown by their names.
  auth.registerActorNames('printer:', (ids) => printers.namesOf(ids));
  // Encoding stations: one-time sessions (what to write, closed by the CSN report through the cards
  // service) and the CROUS card number the CROUS connector will send for a card it encodes itself.
  const encoding = createEncodingService({
    db, cards, identifiers: cardIdentifiers,
    crousCardNumber: async (executor, card) => {
      const effective = await connectorSettings.effective(executor, CROUS_CONNECTOR_ID, card.institutionId);
      const settings = effective?.settings as CrousSettings | undefined;
      if (!effective?.enabled || settings?.mode !== 'api' || card.firstMoveSeq === null) return null;
      return idZdcOf({ preEncoded: null, sequence: card.firstMoveSeq }, settings.idZdcOffset);
    },
    ...(context.now ? { now: context.now } : {}),
  });
  return {
    auth, groupRoles, sso, samlMetadata, audit, jobRuns, notifications, institution, people, photos, imports, cards, cardExport, cardStats, escSync, verification, directory, events, webhooks, webhookSync, crousFiles, crousCards,
    connectorRegistry, connectorSettings, crousTariff, syncOperations, crousSync, crousLiveState, crousReconcile, cardMigration,
    cardIdentifiers, encoding, cardTemplates, printBatches,
    printers,
  };
}

export type Services = ReturnType<typeof createServices>;
