import type { AppDeps, AppInstance } from './app-types.ts';
import { authRoutes } from '../modules/auth/auth.routes.ts';
import { groupRolesRoutes } from '../modules/auth/group-roles.routes.ts';
import { ssoRoutes } from '../modules/sso/sso.routes.ts';
import { samlRoutes } from '../modules/sso/saml.routes.ts';
import { jobsRoutes } from '../modules/jobs/jobs.routes.ts';
import { notificationsRoutes } from '../modules/notifications/notifications.routes.ts';
import { mailTemplatesRoutes } from '../modules/notifications/mail-templates.routes.ts';
import { institutionRoutes } from '../modules/institution/institution.routes.ts';
import { peopleRoutes } from '../modules/people/people.routes.ts';
import { photosRoutes } from '../modules/photos/photos.routes.ts';
import { importsRoutes } from '../modules/imports/imports.routes.ts';
import { cardsRoutes } from '../modules/cards/cards.routes.ts';
import { cardExportRoutes } from '../modules/cards/card-export.routes.ts';
import { cardStatsRoutes } from '../modules/cards/card-stats.routes.ts';
import { webRoutes } from '../modules/web/web.routes.ts';
import { directoryRoutes } from '../modules/directory/directory.routes.ts';
import { escSyncRoutes } from '../modules/esc/esc-sync.routes.ts';
import { cardQrRoutes, verificationRoutes } from '../modules/verification/verification.routes.ts';
import { casRoutes } from '../modules/sso/cas.routes.ts';
import { oidcRoutes } from '../modules/sso/oidc.routes.ts';
import { eventsRoutes } from '../platform/events/events.routes.ts';
import { webhooksRoutes } from '../modules/webhooks/webhooks.routes.ts';
import { connectorSettingsRoutes } from '../platform/connectors/connector-settings.routes.ts';
import { syncOperationsRoutes } from '../platform/sync/sync-operations.routes.ts';
import { crousTariffRoutes } from '../modules/crous/crous-tariff.routes.ts';
import { crousFilesRoutes } from '../modules/crous/crous-files.routes.ts';
import { crousSyncRoutes } from '../modules/crous/crous-sync.routes.ts';
import { printersRoutes } from '../modules/printers/printers.routes.ts';
import { cardIdentifiersRoutes } from '../modules/card-identifiers/card-identifiers.routes.ts';
import { cardTemplatesRoutes } from '../modules/card-templates/card-templates.routes.ts';
import { encodingRoutes } from '../modules/encoding/encoding.routes.ts';
import { cardMigrationRoutes } from '../modules/card-migration/card-migration.routes.ts';
import { limitSsoRate } from '../modules/sso/sso-rate-limit.hook.ts';
import { EMBEDDED_OIDC_METHOD_ID, mountEmbeddedOidc } from '../adapters/oidc/oidc.embedded.ts';
import { EMBEDDED_CAS_METHOD_ID, mountEmbeddedCas } from '../adapters/cas/cas.embedded.ts';

/** Registers every context's routes under /api/v1. */
export async function registerRoutes(app: AppInstance, deps: AppDeps): Promise<void> {
  await app.register(async (api) => {
    await authRoutes(api, deps);
    await groupRolesRoutes(api, deps);
    await ssoRoutes(api, deps);
    await jobsRoutes(api, deps);
    await notificationsRoutes(api, deps);
    await mailTemplatesRoutes(api, deps);
    await institutionRoutes(api, deps);
    await peopleRoutes(api, deps);
    await photosRoutes(api, deps);
    await importsRoutes(api, deps);
    await cardsRoutes(api, deps);
    await cardExportRoutes(api, deps);
    await cardStatsRoutes(api, deps);
    await escSyncRoutes(api, deps);
    await directoryRoutes(api, deps);
    await cardQrRoutes(api, deps);
    await eventsRoutes(api, deps);
    await webhooksRoutes(api, deps);
    await connectorSettingsRoutes(api, deps);
    await syncOperationsRoutes(api, deps);
    await crousTariffRoutes(api, deps);
    await crousFilesRoutes(api, deps);
    await crousSyncRoutes(api, deps);
    await cardTemplatesRoutes(api, deps);
    await printersRoutes(api, deps);
    await cardIdentifiersRoutes(api, deps);
    await cardMigrationRoutes(api, deps);
    await encodingRoutes(api, deps);
  }, { prefix: '/api/v1' });
  // Public verification (API and the page behind the card's QR code), in its own scope for its rate limiter.
  await app.register(async (scope) => verificationRoutes(scope, deps));
  // Single sign-on, in one scope for its rate limit on login starts and callbacks (sso-rate-limit.hook.ts).
  await app.register(async (sso) => {
    limitSsoRate(sso, deps);
    // SAML service provider (/auth/sso/<id>/login, acs, metadata, slo), in its own scope for its form parser.
    await sso.register(async (scope) => samlRoutes(scope, deps));
    // CAS login methods (/auth/sso/<id>/login, callback, slo), one set per configured CAS method, and
    // in demo mode the demo CAS server at /demo-idp/cas, in their own scope for the form parser.
    await sso.register(async (scope) => {
      const embedded = await mountEmbeddedCas(scope, deps.config);
      await casRoutes(scope, deps, embedded ? { [EMBEDDED_CAS_METHOD_ID]: { fetch: embedded.fetch } } : {});
    });
    // OpenID Connect login methods (/auth/sso/<id>/login, callback, backchannel-logout), and in demo
    // mode the demo OpenID provider at /demo-idp/oidc, in their own scope for the form parser.
    await sso.register(async (scope) => {
      const embedded = await mountEmbeddedOidc(scope, deps.config);
      await oidcRoutes(scope, deps, embedded ? { [EMBEDDED_OIDC_METHOD_ID]: embedded } : {});
    });
  });
  // The web application (web/dist) at the root, in its own scope: last, so every API route wins.
  await app.register(async (web) => webRoutes(web, deps));
}
