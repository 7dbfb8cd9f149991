import type { PlatformTables } from './platform.tables.ts';
import type { InstitutionTables } from '../../modules/institution/institution.tables.ts';
import type { AuthTables } from '../../modules/auth/auth.tables.ts';
import type { GroupRolesTables } from '../../modules/auth/group-roles.tables.ts';
import type { PeopleTables } from '../../modules/people/people.tables.ts';
import type { SsoTables } from '../../modules/sso/sso.tables.ts';
import type { PhotosTables } from '../../modules/photos/photos.tables.ts';
import type { CardsTables } from '../../modules/cards/cards.tables.ts';
import type { NotificationsTables } from '../../modules/notifications/notifications.tables.ts';
import type { ImportsTables } from '../../modules/imports/imports.tables.ts';
import type { DirectoryTables } from '../../modules/directory/directory.tables.ts';
import type { EventsTables } from '../events/events.tables.ts';
import type { SyncTables } from '../sync/sync.tables.ts';
import type { WebhooksTables } from '../../modules/webhooks/webhooks.tables.ts';
import type { ConnectorsTables } from '../connectors/connectors.tables.ts';
import type { CrousTariffTables } from '../../modules/crous/crous-tariff.tables.ts';
import type { CrousFilesTables } from '../../modules/crous/crous-files.tables.ts';
import type { PrintersTables } from '../../modules/printers/printers.tables.ts';
import type { CardIdentifiersTables } from '../../modules/card-identifiers/card-identifiers.tables.ts';
import type { EncodingTables } from '../../modules/encoding/encoding.tables.ts';
import type { CardTemplatesTables } from '../../modules/card-templates/card-templates.tables.ts';
import type { CardMigrationTables } from '../../modules/card-migration/card-migration.tables.ts';

/**
 * The whole database as Kysely sees it: the union of the tables each context owns.
 * Only a context's repository may query its own tables.
 */
export interface Database
  extends PlatformTables,
    InstitutionTables,
    AuthTables,
    GroupRolesTables,
    PeopleTables,
    SsoTables,
    PhotosTables,
    CardsTables,
    NotificationsTables,
    ImportsTables,
    DirectoryTables,
    EventsTables,
    SyncTables,
    WebhooksTables,
    CrousFilesTables,
    ConnectorsTables,
    CrousTariffTables,
    CardIdentifiersTables,
    EncodingTables,
    PrintersTables,
    CardMigrationTables,
    CardTemplatesTables {}
