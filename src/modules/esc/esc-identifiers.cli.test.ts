import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Command, CommanderError } from 'commander';
import type { EscRouterSimulator } from '../../adapters/esc-router/esc-router.simulator.ts';
import { decodeEscn } from './domain/escn.ts';
import { registerEscnCommands } from './esc-identifiers.cli.ts';

interface Run {
  out: string;
  err: string;
  exitCode: number | undefined;
  simulator: EscRouterSimulator | undefined;
}

async function run(args: string[], extra: { verifierPrefixes?: string[]; now?: () => number } = {}): Promise<Run> {
  const result: Run = { out: '', err: '', exitCode: undefined, simulator: undefined };
  const program = new Command('campuscard')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => {
        result.out += text;
      },
      writeErr: (text) => {
        result.err += text;
      },
    });
  registerEscnCommands(program, {
    write: (text) => {
      result.out += text;
    },
    setExitCode: (code) => {
      result.exitCode = code;
    },
    onSimulatorStarted: (simulator) => {
      result.simulator = simulator;
    },
    ...extra,
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    assert.ok(error instanceof CommanderError, String(error));
    result.exitCode = error.exitCode;
  }
  return result;
}

const EXAMPLE = '3e506370-826a-103d-bf76-001000000001';

describe('escn generate', () => {
  it('reproduces the published example from --at and --random', async () => {
    for (const at of ['1730114711015', '2024-10-28T11:25:11.015Z']) {
      for (const random of ['0x3f76', '16246']) {
        const { out, exitCode } = await run(['escn', 'generate', '--pic', '000000001', '--at', at, '--random', random]);
        assert.equal(exitCode, undefined);
        assert.equal(out, `${EXAMPLE}\n`);
      }
    }
  });

  it('counts within the millisecond with --at and --count', async () => {
    const { out } = await run(['escn', 'generate', '--pic', '123456789', '--prefix', '42', '--at', '1730114711015', '--count', '3']);
    const lines = out.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.deepEqual(
      lines.map((line) => {
        const { unixMillis, counter, prefix, pic } = decodeEscn(line);
        return [unixMillis, counter, prefix, pic];
      }),
      [0, 1, 2].map((counter) => [1730114711015, counter, 42, '123456789']),
    );
  });

  it('uses the clock and a fresh random part by default', async () => {
    const { out } = await run(['escn', 'generate', '--pic', '123456789', '--count', '50'], { now: () => 1700000000000 });
    const parts = out.trimEnd().split('\n').map(decodeEscn);
    assert.ok(parts.every((p) => p.unixMillis === 1700000000000 && p.prefix === 1));
    assert.ok(new Set(parts.map((p) => p.clockSeqRandom)).size > 40);
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['missing --pic', [], /required option '--pic <pic>' not specified/],
    ['short PIC', ['--pic', '12345678'], /--pic <pic>.*9 digits/],
    ['prefix 1000', ['--pic', '123456789', '--prefix', '1000'], /0 to 999/],
    ['negative prefix', ['--pic', '123456789', '--prefix', '-1'], /0 to 999/],
    ['garbage time', ['--pic', '123456789', '--at', 'yesterday'], /ISO-8601/],
    ['time before 1970', ['--pic', '123456789', '--at', '1969-12-31T23:59:59Z'], /before 1970/],
    ['time beyond the UUID clock', ['--pic', '123456789', '--at', '900000000000000'], /60-bit/],
    ['random above 14 bits', ['--pic', '123456789', '--random', '0x4000'], /14-bit/],
    ['random not a number', ['--pic', '123456789', '--random', 'abc'], /14-bit/],
    ['count 0', ['--pic', '123456789', '--count', '0'], /1 to 100000/],
    ['unknown option', ['--pic', '123456789', '--colour', 'red'], /unknown option '--colour'/],
  ];
  for (const [name, args, message] of bad) {
    it(`rejects ${name} with exit code 2`, async () => {
      const { exitCode, err, out } = await run(['escn', 'generate', ...args]);
      assert.equal(exitCode, 2);
      assert.match(err, message);
      assert.equal(out, '');
    });
  }
});

describe('escn inspect', () => {
  it('prints what a valid ESCN encodes', async () => {
    const { out, exitCode } = await run(['escn', 'inspect', EXAMPLE.toUpperCase()]);
    assert.equal(exitCode, undefined);
    assert.equal(
      out,
      '{"valid":true,"escn":"3e506370-826a-103d-bf76-001000000001","prefix":"001","pic":"000000001","issuedAt":"2024-10-28T11:25:11.015Z"}\n',
    );
  });

  it('reads scanned QR text, including our own verifier prefix', async () => {
    for (const text of [`https://s.esc-r.eu/${EXAMPLE}`, ` http://esc.gg/${EXAMPLE}/ `, `http://pp.esc.gg/${EXAMPLE}`]) {
      const { out } = await run(['escn', 'inspect', text]);
      assert.equal((JSON.parse(out) as { escn: string }).escn, EXAMPLE);
    }
    const own = await run(['escn', 'inspect', `https://cards.example.org/v/${EXAMPLE}`], {
      verifierPrefixes: ['https://cards.example.org/v/'],
    });
    assert.equal((JSON.parse(own.out) as { valid: boolean }).valid, true);
    const flag = await run(['escn', 'inspect', '--verifier-prefix', 'https://other.example/check', `https://other.example/check/${EXAMPLE}`]);
    assert.equal((JSON.parse(flag.out) as { valid: boolean }).valid, true);
  });

  it('prints the reason and sets exit status 1 for an invalid number', async () => {
    const { out, exitCode } = await run(['escn', 'inspect', '3e506370-826a-403d-bf76-001000000001']);
    assert.equal(exitCode, 1);
    const parsed = JSON.parse(out) as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed), ['valid', 'reason']);
    assert.equal(parsed.valid, false);
    assert.match(String(parsed.reason), /version/);
    const foreign = await run(['escn', 'inspect', `https://example.com/${EXAMPLE}`]);
    assert.equal(foreign.exitCode, 1);
    assert.match(foreign.out, /verifier prefix/);
  });

  it('needs its argument (exit code 2)', async () => {
    const { exitCode, err } = await run(['escn', 'inspect']);
    assert.equal(exitCode, 2);
    assert.match(err, /missing required argument 'text'/);
  });
});

describe('esc-router-sim', () => {
  it('starts the simulator and prints its URL', async () => {
    const { out, simulator, exitCode } = await run(['esc-router-sim', '--port', '0', '--api-key', 'k-123', '--pic', '999000001']);
    assert.equal(exitCode, undefined);
    assert.ok(simulator);
    try {
      assert.equal(out, `${simulator.url}\n`);
      assert.match(simulator.url, /^http:\/\/127\.0\.0\.1:\d+\/esc-rest$/);
      const response = await fetch(`${simulator.url}/api/v2/persons`, { headers: { authorization: 'Bearer k-123' } });
      assert.equal(response.status, 200);
    } finally {
      await simulator.close();
    }
  });

  it('rejects a lone --api-key, a bad PIC or port with exit code 2', async () => {
    for (const args of [['--api-key', 'k'], ['--api-key', 'k', '--pic', '1'], ['--port', '70000'], ['--port', 'x']]) {
      const { exitCode, err, simulator } = await run(['esc-router-sim', ...args]);
      assert.equal(simulator, undefined);
      assert.equal(exitCode, 2, args.join(' '));
      assert.match(err, /error/);
    }
  });
});
