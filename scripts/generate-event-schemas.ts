/**
 * Writes schemas/events/<version>/<name>.json: the JSON Schema of every event of the catalogue
 * (src/platform/events/event-catalogue.ts), for systems that consume the events. Run
 * `npm run gen:events` after changing the catalogue; test/platform/event-schemas.test.ts fails
 * while a committed file differs from what this generates, or one is left over.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EVENT_NAMES, EVENT_SCHEMA_VERSION, eventJsonSchema } from '../src/platform/events/event-catalogue.ts';

/** The folder of the current version's files, relative to the repository root. */
export const EVENT_SCHEMAS_DIR = `schemas/events/${EVENT_SCHEMA_VERSION}`;

/** File name → content of every schema file, as generated now. */
export function generateEventSchemas(): Map<string, string> {
  return new Map(EVENT_NAMES.map((name) => [`${name}.json`, `${JSON.stringify(eventJsonSchema(name), null, 2)}\n`]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = fileURLToPath(new URL(`../${EVENT_SCHEMAS_DIR}/`, import.meta.url));
  mkdirSync(dir, { recursive: true });
  const files = generateEventSchemas();
  // A renamed or removed event must not leave its old file behind, published as if current.
  for (const name of readdirSync(dir)) if (!files.has(name)) rmSync(`${dir}${name}`);
  for (const [name, content] of files) writeFileSync(`${dir}${name}`, content);
  console.log(`wrote ${files.size} event schemas to ${EVENT_SCHEMAS_DIR}`);
}
