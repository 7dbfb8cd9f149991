import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { startRuntime, type Runtime } from '../app/runtime.ts';
import { DataDirLockedError } from '../platform/db/lock-file.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrator.ts';
import { notFound, ProblemError } from '../platform/http/problem.ts';
import { ROLES, TOKEN_ROLES, type Role, type TokenRole } from '../modules/auth/domain/roles.ts';
import { serve } from './serve.command.ts';
import { registerExtraCommands } from './commands.ts';

/** Runs `work` against a runtime without HTTP, always closing it. */
export async function withRuntime<T>(command: string, work: (runtime: Runtime) => Promise<T>, options: { workers?: boolean } = {}): Promise<T> {
  const runtime = await startRuntime(loadConfig(), { command, http: false, workers: options.workers ?? false });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

function choice<T extends string>(allowed: readonly T[]) {
  return (value: string): T => {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`must be one of ${allowed.join(', ')}`);
    }
    return value as T;
  };
}

const program = new Command('campuscard')
  .description('campuscard: the card office system (people, cards, European Student Card, verification)')
  .showHelpAfterError();

program.command('serve').description('Run the web server (API, UI) and, unless RUN_WORKERS=false, the job workers')
  .action(async () => serve(loadConfig()));

program.command('worker').description('Run job workers only (no HTTP), for separate worker processes')
  .action(async () => {
    const config: Config = loadConfig();
    const runtime = await startRuntime(config, { command: 'worker', http: false, workers: true });
    runtime.logger.info('worker started');
    const stop = () => void runtime.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program.command('migrate').description('Apply pending database migrations and exit')
  .action(async () => {
    const config = loadConfig();
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, command: 'migrate' });
    try {
      const report = await migrate(database.pool);
      console.log(report.applied.length ? `applied: ${report.applied.join(', ')}` : 'database is up to date');
    } finally {
      await database.close();
    }
  });

const user = program.command('user').description('Manage accounts');
user.command('create').description('Create a local account')
  .requiredOption('--email <email>', 'login e-mail')
  .requiredOption('--password <password>', 'password: at least 12 characters, no control characters, not containing the e-mail, not guessable')
  .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, choice(ROLES))
  .option('--name <name>', 'display name')
  .option('--person-types <types>', 'comma-separated person types a manager or viewer is limited to')
  .action(async (options: { email: string; password: string; role: Role; name?: string; personTypes?: string }) => {
    await withRuntime('user create', async ({ services }) => {
      const account = await services.auth.createAccount({
        email: options.email,
        password: options.password,
        role: options.role,
        displayName: options.name ?? options.email,
        personTypes: options.personTypes ? options.personTypes.split(',').map((t) => t.trim()) : null,
      }, { actor: 'cli' });
      console.log(`created ${account.role} account ${account.email} (${account.id})`);
    });
  });

const token = program.command('token').description('Manage API tokens');
token.command('create').description('Create an API token and print its secret once')
  .requiredOption('--role <role>', `one of ${TOKEN_ROLES.join(', ')}`, choice(TOKEN_ROLES))
  .requiredOption('--name <name>', 'what the token is for')
  .requiredOption('--account <email>', 'e-mail of the enabled account the token acts for: it stops working when that account is disabled, and never does more than it may')
  .option('--person-types <types>', 'comma-separated person types the token is limited to')
  .action(async (options: { role: TokenRole; name: string; account: string; personTypes?: string }) => {
    await withRuntime('token create', async ({ services }) => {
      const account = await services.auth.accountByEmail(options.account);
      if (!account) throw notFound('account_not_found', `no account with the e-mail ${options.account}`);
      const created = await services.auth.createApiToken(
        { name: options.name, role: options.role, personTypes: options.personTypes ? options.personTypes.split(',').map((t) => t.trim()) : null },
        { accountId: account.id, personTypes: null, institutionIds: null },
        { actor: 'cli' },
      );
      console.log(created.token);
      console.error(`token "${created.view.name}" (${created.view.role}, id ${created.view.id}) acting for ${account.email}: store it now, it is not shown again`);
    });
  });

const jobs = program.command('jobs').description('Background jobs');
jobs.command('run-once').description('Run the scheduled jobs (rights end, …) and every waiting job once in this process, then exit')
  .option('--queue <name...>', 'only these queues')
  .action(async (options: { queue?: string[] }) => {
    await withRuntime('jobs run-once', async ({ jobs: queue, schedules }) => {
      const wanted = (name: string) => !options.queue || options.queue.includes(name);
      for (const { queue: name } of schedules) if (wanted(name)) await queue.send(name, {});
      const count = await queue.drain(options.queue);
      console.log(`ran ${count} job(s)`);
    });
  });

registerExtraCommands(program, withRuntime, () => loadConfig());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(`campuscard: ${error.message}`);
    process.exit(1);
  }
  // A refused input (a password breaking the rule, an unknown account): its reason, not a stack.
  if (error instanceof ProblemError && error.status < 500) {
    console.error(`campuscard: ${error.message} (${error.code})`);
    process.exit(1);
  }
  throw error;
}
