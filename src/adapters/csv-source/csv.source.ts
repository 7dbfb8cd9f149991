/**
 * The CSV person source: the file the person import reads (same parser, same columns, same
 * checks: `src/modules/imports/domain/csv-person-parser.ts`), taken from PERSON_SOURCE_DIR on the
 * server (where a student information system drops its nightly export, or where the console
 * uploads it) and synced like any other source. The path is relative to that folder and resolved
 * by the composition root's `resolveFile` before every read, so nothing outside it is read.
 * Records are keyed by eppn; their attributes are the canonical column names, so the default
 * mapping ({@link CSV_MAPPING}) maps each column to its person field.
 */
import { createReadStream } from 'node:fs';
import {
  PERSON_CSV_COLUMNS, parsePersonCsvStream, personToCsvRecord,
  type CsvDelimiter, type CsvEncodingOption, type PersonCsvColumn,
} from '../../modules/imports/domain/csv-person-parser.ts';
import type { SourceMapping } from '../../modules/directory/domain/person-mapping.ts';
import {
  SourceSettingsError,
  type PersonSource, type PersonSourceContext, type PersonSourceFactory, type RejectedEntry, type SourcePage, type SourceRecord,
} from '../../modules/directory/domain/person-source.ts';
import { checkRelativePath } from '../../modules/directory/domain/source-path.ts';
import { unprocessable } from '../../platform/http/problem.ts';

/** Settings of a CSV source. */
export interface CsvSourceSettings {
  /** Path of the file relative to PERSON_SOURCE_DIR. */
  path: string;
  encoding: CsvEncodingOption;
  delimiter: CsvDelimiter | 'auto';
  /** Header as written → canonical column (null: ignore), as in the import. */
  columnMapping: Record<string, PersonCsvColumn | null>;
}

/** Records per page. */
const PAGE_SIZE = 1000;

/** The mapping of a CSV source: every canonical column to its field, the type from `person_type`. */
export const CSV_MAPPING: SourceMapping = {
  fields: {
    eppn: 'eppn', lastName: 'last_name', firstName: 'first_name', email: 'email', birthDate: 'birth_date',
    studentNumber: 'student_number', ine: 'ine', academicLevel: 'academic_level', rightsEnd: 'rights_end', esi: 'esi',
    affiliation: 'affiliation', locale: 'locale',
    'freeFields.free1': 'free1', 'freeFields.free2': 'free2', 'freeFields.free3': 'free3', 'freeFields.free4': 'free4',
    'freeFields.free5': 'free5', 'freeFields.free6': 'free6', 'freeFields.free7': 'free7',
  },
  affiliationAttributes: [],
  personTypeAttribute: 'person_type',
  personType: null,
  institution: null,
  groupsAttribute: null,
};

/** Checks the settings of a CSV source (throws {@link SourceSettingsError}). */
export function csvSourceSettings(raw: Record<string, unknown>): CsvSourceSettings {
  for (const key of Object.keys(raw)) {
    if (!['path', 'encoding', 'delimiter', 'columnMapping'].includes(key)) throw new SourceSettingsError(key, 'unknown_setting', `unknown setting ${key}`);
  }
  const path = checkRelativePath(raw.path);
  const encoding = raw.encoding ?? 'auto';
  if (encoding !== 'auto' && encoding !== 'utf-8' && encoding !== 'iso-8859-1') throw new SourceSettingsError('encoding', 'invalid_encoding', 'auto, utf-8 or iso-8859-1');
  const delimiter = raw.delimiter ?? 'auto';
  if (delimiter !== 'auto' && delimiter !== ';' && delimiter !== ',') throw new SourceSettingsError('delimiter', 'invalid_delimiter', 'auto, ; or ,');
  const columnMapping = raw.columnMapping ?? {};
  if (typeof columnMapping !== 'object' || columnMapping === null || Array.isArray(columnMapping)) {
    throw new SourceSettingsError('columnMapping', 'invalid_type', 'an object: header → canonical column or null');
  }
  for (const [header, column] of Object.entries(columnMapping)) {
    if (column !== null && !(PERSON_CSV_COLUMNS as readonly unknown[]).includes(column)) {
      throw new SourceSettingsError(`columnMapping.${header}`, 'unknown_column', `not a column of the person CSV: ${String(column)}`);
    }
  }
  return { path, encoding, delimiter, columnMapping: columnMapping as Record<string, PersonCsvColumn | null> };
}

/**
 * Builds the CSV source factory. `resolveFile` turns a source's relative path into the real path
 * of a regular file inside PERSON_SOURCE_DIR, or throws {@link SourceSettingsError} (see
 * `source-files.service.ts`); it is called at every check and read, so a file swapped for a link
 * after the source was saved is still refused.
 */
export function createCsvSourceFactory(resolveFile: (path: string) => Promise<string>): PersonSourceFactory {
  return (context: PersonSourceContext): PersonSource => createCsvSource(context, resolveFile);
}

function createCsvSource(context: PersonSourceContext, resolveFile: (path: string) => Promise<string>): PersonSource {
  const settings = csvSourceSettings(context.settings);
  return {
    async check() {
      await resolveFile(settings.path);
    },
    async test() {
      try {
        await resolveFile(settings.path);
        return { ok: true, message: `${settings.path} is readable` };
      } catch (error) {
        if (error instanceof SourceSettingsError) return { ok: false, code: error.code, message: error.message };
        return { ok: false, code: 'file_unreadable', message: `${settings.path} cannot be read` };
      }
    },
    async records(options) {
      const file = await resolveFile(settings.path);
      // The file's columns: a column it lacks is not provided (its field is left alone, as by an import).
      let present: ReadonlySet<string> | null = null;
      const events = parsePersonCsvStream(createReadStream(file, { highWaterMark: 256 * 1024 }), {
        encoding: settings.encoding, delimiter: settings.delimiter, columnMapping: settings.columnMapping, ignoreUnknownColumns: true,
        onHeader: (columns) => { present = new Set(columns); },
      });
      async function* pages(): AsyncGenerator<SourcePage> {
        let page: SourcePage = { records: [], rejected: [] };
        let count = 0;
        let rejectedEntry: RejectedEntry | undefined;
        let lastRejectedLine = 0;
        for await (const event of events) {
          if (options.signal?.aborted) return;
          if (event.type === 'row') {
            const record: SourceRecord = { key: event.row.value.eppn, attributes: {} };
            for (const [column, value] of Object.entries(personToCsvRecord(event.row.value))) {
              if (value !== '') record.attributes[column] = [value];
            }
            page.records.push(record);
            count += 1;
          } else if (event.type === 'error') {
            // The parser reports each fault of a line apart, line after line: one entry per line.
            const error = { field: event.error.field ?? 'line', code: event.error.code, message: `line ${event.error.line}: ${event.error.message}` };
            if (lastRejectedLine === event.error.line && rejectedEntry && page.rejected?.at(-1) === rejectedEntry) {
              rejectedEntry.errors.push(error);
              continue;
            }
            rejectedEntry = { ...(event.error.eppn !== undefined ? { key: event.error.eppn } : {}), errors: [error] };
            lastRejectedLine = event.error.line;
            page.rejected?.push(rejectedEntry);
          } else if (event.type === 'file_error') {
            // The parser's own code (missing_column, empty_file, malformed_csv…), so the run's
            // outcome and the preview's problem say why in the console's language.
            throw unprocessable(event.error.code, `the CSV file is unusable: ${event.error.message}`,
              event.error.line !== undefined ? { line: event.error.line } : {});
          }
          if (page.records.length + (page.rejected?.length ?? 0) >= PAGE_SIZE) {
            yield page;
            page = { records: [], rejected: [] };
          }
          if (options.limit !== undefined && count >= options.limit) break;
        }
        if (page.records.length > 0 || (page.rejected?.length ?? 0) > 0) yield page;
      }
      return { pages: pages(), watermark: () => null, presentAttributes: () => present };
    },
  };
}
