import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { WithRuntime } from '../../cli/commands.ts';
import { createProgressBar } from '../../cli/progress-bar.ts';
import { WHOLE_DEPLOYMENT, type AccessScope } from '../../platform/db/scope-filter.ts';
import { notFound } from '../../platform/http/problem.ts';
import { CARD_EXPORT_COLUMNS, type CardExportColumn } from './card-export.service.ts';

/**
 * Command-line card export, on the same service as the API's job, in this process:
 *   cards export [--state S,…] [--person-type T,…] [--q TERMS] [--requested-from D] [--requested-to D]
 *                [--updated-from D] [--updated-to D] [--pending yes|no] [--sort …] [--order …]
 *                [--columns c,…] [--institution CODE] [--out FILE]
 * Every card of the deployment (or of one institution) matching the card list's filters, as the
 * API's file (UTF-8 with byte order mark, ";" separated, formula cells escaped), to FILE or the
 * standard output, with a progress bar on stderr. A bad filter exits 1 with its message.
 */
interface CardExportCommandOptions {
  state?: string[];
  personType?: string[];
  q?: string;
  requestedFrom?: string;
  requestedTo?: string;
  updatedFrom?: string;
  updatedTo?: string;
  pending?: 'yes' | 'no';
  sort: 'requestedAt' | 'updatedAt' | 'lastName';
  order: 'asc' | 'desc';
  columns?: CardExportColumn[];
  institution?: string;
  out?: string;
}

/** `a,b` → ['a', 'b'], added to the values of earlier occurrences of the option. */
function list(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((item) => item.trim()).filter((item) => item !== '')];
}

function columnList(value: string, previous: CardExportColumn[] | undefined): CardExportColumn[] {
  const columns = list(value, previous);
  for (const column of columns) {
    if (!(CARD_EXPORT_COLUMNS as readonly string[]).includes(column)) {
      throw new InvalidArgumentError(`unknown column ${column}; the columns are ${CARD_EXPORT_COLUMNS.join(', ')}`);
    }
  }
  return columns as CardExportColumn[];
}

/** Registers `cards export` (under an existing `cards` command if any). */
export function registerCardExportCommands(program: Command, withRuntime: WithRuntime): void {
  const cards = program.commands.find((command) => command.name() === 'cards') ?? program.command('cards').description('Cards');
  cards.command('export').description('Export the cards matching the card list\'s filters as CSV (";" separated, UTF-8, formula cells escaped)')
    .option('--state <states>', 'card states, comma separated or repeated (e.g. ENABLED)', list)
    .option('--person-type <types>', 'holder person types, comma separated or repeated', list)
    .option('--q <terms>', 'search terms, as in the card list (names, eppn, e-mail, student number, INE, ESCN, CSN)')
    .option('--requested-from <date>', 'requested on or after (YYYY-MM-DD or date-time)')
    .option('--requested-to <date>', 'requested up to this day included (YYYY-MM-DD) or before this instant')
    .option('--updated-from <date>', 'changed on or after (YYYY-MM-DD or date-time)')
    .option('--updated-to <date>', 'changed up to this day included (YYYY-MM-DD) or before this instant')
    .addOption(new Option('--pending <answer>', 'the holder has (yes) or has not (no) a request being handled').choices(['yes', 'no']))
    .addOption(new Option('--sort <key>', 'order of the lines').choices(['requestedAt', 'updatedAt', 'lastName']).default('requestedAt'))
    .addOption(new Option('--order <order>', 'ascending or descending').choices(['asc', 'desc']).default('desc'))
    .option('--columns <columns>', `columns in file order (default all: ${CARD_EXPORT_COLUMNS.join(',')})`, columnList)
    .option('--institution <code>', 'only the cards issued by this institution')
    .option('--out <file>', 'write to this file instead of the standard output')
    .action(async (options: CardExportCommandOptions) => {
      await withRuntime('cards export', async ({ services, database }) => {
        let scope: AccessScope = WHOLE_DEPLOYMENT;
        if (options.institution !== undefined) {
          const institution = await services.institution.byCode(database.db, options.institution);
          if (!institution) throw notFound('institution_not_found', `No institution ${options.institution}`);
          scope = { institutionIds: [institution.id], personTypes: null };
        }
        const output = options.out ? createWriteStream(options.out) : process.stdout;
        const bar = createProgressBar();
        let total = 0;
        const outcome = await services.cardExport.write({
          filters: {
            state: options.state, personType: options.personType, q: options.q,
            requestedFrom: options.requestedFrom, requestedTo: options.requestedTo, updatedFrom: options.updatedFrom, updatedTo: options.updatedTo,
            hasPendingRequest: options.pending === undefined ? undefined : options.pending === 'yes',
          },
          sort: options.sort, order: options.order, columns: options.columns,
        }, scope, async (piece) => {
          if (!output.write(piece)) await once(output, 'drain');
        }, {
          start: async (count) => { total = count; bar.update(0, total, 'cards'); },
          advance: async (done) => bar.update(done, total, 'cards'),
        });
        bar.update(outcome.rows, Math.max(total, outcome.rows), 'cards');
        bar.done();
        if (options.out) {
          await new Promise<void>((resolve, reject) => output.end((error?: Error | null) => (error ? reject(error) : resolve())));
          process.stderr.write(`wrote ${outcome.rows} cards (${outcome.bytes} bytes) to ${options.out}\n`);
        }
      });
    });
}
