import { Command, InvalidArgumentError } from 'commander';
import type { ErrorOptions as CommanderErrorOptions } from 'commander';
import { startEscRouterSimulator } from '../../adapters/esc-router/esc-router.simulator.ts';
import type { EscRouterSimulator } from '../../adapters/esc-router/esc-router.simulator.ts';
import { ESCN_CLOCK_SEQ_MAX, createEscnGenerator, parseScannedEscn } from './domain/escn.ts';

/**
 * Command-line tools for European Student Card identifiers:
 *   escn generate   mint ESCNs (the reference algorithm, with an optional fixed time and random part)
 *   escn inspect    validate an ESCN or scanned QR text and show what it encodes
 *   esc-router-sim  run the in-memory ESC Router simulator
 * Usage errors (bad or missing options) exit with code 2.
 */

/** Dependencies of the commands, replaceable in tests. */
export interface EscnCommandsOptions {
  /** Where results go; default process.stdout. */
  write?: (text: string) => void;
  /** Sets the exit status without exiting; default assigns process.exitCode. */
  setExitCode?: (code: number) => void;
  /** Verifier prefixes accepted by `inspect` besides the ESC ones, e.g. our `PUBLIC_URL/v/`. */
  verifierPrefixes?: readonly string[];
  /** Clock of `generate` when no --at is given (Unix ms). */
  now?: () => number;
  /** Receives the started simulator (tests close it; the CLI leaves it running). */
  onSimulatorStarted?: (simulator: EscRouterSimulator) => void;
}

const DEFAULT_SIM_KEY = 'simulator-key';
const DEFAULT_SIM_PIC = '000000001';

/** A command whose usage errors exit with status 2, as do those of its subcommands. */
class UsageErrorCommand extends Command {
  override createCommand(name?: string): Command {
    return new UsageErrorCommand(name);
  }

  override error(message: string, errorOptions?: CommanderErrorOptions): never {
    return super.error(message, { ...errorOptions, exitCode: 2 });
  }
}

function parsePic(value: string): string {
  if (!/^[0-9]{9}$/.test(value)) throw new InvalidArgumentError('A PIC is exactly 9 digits.');
  return value;
}

function parsePrefix(value: string): number {
  if (!/^[0-9]{1,3}$/.test(value)) throw new InvalidArgumentError('The prefix is an integer from 0 to 999.');
  return Number(value);
}

function parseAt(value: string): number {
  if (/^[0-9]+$/.test(value)) {
    const millis = Number(value);
    if (!Number.isSafeInteger(millis)) throw new InvalidArgumentError('Unix milliseconds out of range.');
    return millis;
  }
  const iso = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
  const millis = Date.parse(value);
  if (!iso.test(value) || Number.isNaN(millis)) {
    throw new InvalidArgumentError('Give Unix milliseconds (e.g. 1730114711015) or an ISO-8601 time (e.g. 2024-10-28T11:25:11.015Z).');
  }
  if (millis < 0) throw new InvalidArgumentError('The time must not be before 1970.');
  return millis;
}

function parseRandom(value: string): number {
  const hex = /^0x([0-9a-f]{1,4})$/i.exec(value);
  const number = hex?.[1] !== undefined ? Number.parseInt(hex[1], 16) : /^[0-9]{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isNaN(number) || number > ESCN_CLOCK_SEQ_MAX) {
    throw new InvalidArgumentError('The random part is a 14-bit value: 0..16383 or 0x0..0x3fff.');
  }
  return number;
}

function parseCount(value: string): number {
  const count = /^[0-9]{1,6}$/.test(value) ? Number(value) : 0;
  if (count < 1 || count > 100000) throw new InvalidArgumentError('The count is an integer from 1 to 100000.');
  return count;
}

function parsePort(value: string): number {
  const port = /^[0-9]{1,5}$/.test(value) ? Number(value) : -1;
  if (port < 0 || port > 65535) throw new InvalidArgumentError('The port is an integer from 0 to 65535 (0 picks a free one).');
  return port;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Adds `escn generate`, `escn inspect` and `esc-router-sim` to `program`. Results are written
 * through `options.write` (one ESCN per line; JSON for inspect); an invalid ESCN sets exit
 * status 1, a usage error exits with 2 through commander's error path (so `exitOverride()` in
 * tests turns it into a thrown CommanderError with exitCode 2). Settings such as exitOverride
 * and configureOutput must be applied to `program` before calling this.
 */
export function registerEscnCommands(program: Command, options: EscnCommandsOptions = {}): Command {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const setExitCode = options.setExitCode ?? ((code: number) => {
    process.exitCode = code;
  });
  const now = options.now ?? (() => Date.now());

  const escn = new UsageErrorCommand('escn').description('European Student Card Number tools');
  escn.copyInheritedSettings(program);
  program.addCommand(escn);

  escn
    .command('generate')
    .description('mint ESCNs with the reference algorithm, one per line')
    .requiredOption('--pic <pic>', 'PIC of the issuing institution (9 digits)', parsePic)
    .option('--prefix <prefix>', 'minting-server prefix 0..999', parsePrefix, 1)
    .option('--at <time>', 'issue time: Unix milliseconds or ISO-8601 (default: now)', parseAt)
    .option('--random <value>', '14-bit random part, hex (0x26bd) or decimal (default: drawn per number)', parseRandom)
    .option('--count <n>', 'how many numbers', parseCount, 1)
    .action(function (this: Command, opts: { pic: string; prefix: number; at?: number; random?: number; count: number }) {
      const { pic, prefix, at, random, count } = opts;
      const generator = createEscnGenerator({
        pic,
        prefix,
        now: at === undefined ? now : () => at,
        ...(random === undefined ? {} : { random14: () => random }),
      });
      const lines: string[] = [];
      try {
        for (let i = 0; i < count; i += 1) lines.push(generator.next());
      } catch (error) {
        this.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      }
      write(`${lines.join('\n')}\n`);
    });

  escn
    .command('inspect')
    .description('validate an ESCN or scanned QR text and print what it encodes as JSON')
    .argument('<text>', 'an ESCN, or the text of a card QR code (verifier URL)')
    .option('--verifier-prefix <url>', 'also accept this verifier URL prefix (repeatable)', collect, [])
    .action((text: string, opts: { verifierPrefix: string[] }) => {
      const result = parseScannedEscn(text, [...(options.verifierPrefixes ?? []), ...opts.verifierPrefix]);
      if (result.valid) {
        const { escn: number, prefix, pic, issuedAt } = result;
        write(`${JSON.stringify({ valid: true, escn: number, prefix, pic, issuedAt: issuedAt.toISOString() })}\n`);
      } else {
        write(`${JSON.stringify({ valid: false, reason: result.reason })}\n`);
        setExitCode(1);
      }
    });

  const sim = new UsageErrorCommand('esc-router-sim')
    .description(
      `run the in-memory ESC Router v2 simulator and print its base URL (without --api-key: key "${DEFAULT_SIM_KEY}", PIC ${DEFAULT_SIM_PIC})`,
    )
    .option('--port <port>', 'TCP port (0 picks a free one)', parsePort, 0)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--api-key <key>', 'API key institutions authenticate with')
    .option('--pic <pic>', 'PIC of the institution owning --api-key', parsePic);
  sim.copyInheritedSettings(program);
  program.addCommand(sim);
  sim.action(async function (this: Command, opts: { port: number; host: string; apiKey?: string; pic?: string }) {
    if ((opts.apiKey === undefined) !== (opts.pic === undefined)) {
      this.error('error: --api-key and --pic go together');
    }
    if (opts.apiKey !== undefined && opts.apiKey.trim().length === 0) this.error('error: --api-key must not be empty');
    const apiKeys = { [opts.apiKey ?? DEFAULT_SIM_KEY]: { pic: opts.pic ?? DEFAULT_SIM_PIC } };
    const simulator = await startEscRouterSimulator({ port: opts.port, host: opts.host, apiKeys });
    write(`${simulator.url}\n`);
    options.onSimulatorStarted?.(simulator);
  });

  return program;
}
