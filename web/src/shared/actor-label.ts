import type { TFunction } from 'i18next';

/**
 * Technical actors recorded in histories that are not an account or a token, with the i18n key
 * of what people read instead (e.g. the demo data reads "Données de démonstration", not
 * "demo-seed").
 */
const TECHNICAL_ACTORS: Readonly<Record<string, string>> = {
  'demo-seed': 'actors.demoSeed',
  'demo-station': 'actors.demoStation',
  'embedded-esc-router': 'actors.embeddedEscRouter',
  system: 'actors.system',
  cli: 'actors.cli',
};

/**
 * Who did something, readably: the account's display name or the token's name when the server
 * gave one, a translated label for a technical actor, else the recorded id (an account deleted since).
 */
export function actorLabel(actor: string, actorName: string | null | undefined, t: TFunction): string {
  if (actorName) return actorName;
  const key = TECHNICAL_ACTORS[actor];
  if (key) return t(key);
  // A single sign-on method no longer configured (a configured one is named by its label).
  if (actor.startsWith('sso:')) return t('actors.sso', { id: actor.slice('sso:'.length) });
  return actor;
}
