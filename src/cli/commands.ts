import type { Command } from 'commander';
import type { Runtime } from '../app/runtime.ts';
import type { Config } from '../config.ts';
import { registerEscnCommands } from '../modules/esc/esc-identifiers.cli.ts';
import { registerImportCommands } from '../modules/imports/imports.cli.ts';
import { registerEscSyncCommands } from '../modules/esc/esc.cli.ts';
import { registerDirectoryCommands } from '../modules/directory/directory.cli.ts';
import { registerConnectorsCommands } from '../platform/sync/sync-operations.cli.ts';
import { registerCrousCommands } from '../modules/crous/crous.cli.ts';
import { registerCardExportCommands } from '../modules/cards/card-export.cli.ts';
import { registerExportEmbeddedCommand } from './export-embedded.command.ts';
import { registerCardMigrationCommands } from '../modules/card-migration/card-migration.cli.ts';
import { registerPrinterClientCommand } from './printer-client.command.ts';

export type WithRuntime = <T>(command: string, work: (runtime: Runtime) => Promise<T>, options?: { workers?: boolean }) => Promise<T>;

/** Commands contributed by the contexts (imports, ESC, …). */
export function registerExtraCommands(program: Command, withRuntime: WithRuntime, config: () => Config): void {
  registerEscnCommands(program, { verifierPrefixes: [`${config().publicUrl}/v/`] });
  registerImportCommands(program, withRuntime);
  registerEscSyncCommands(program, withRuntime);
  registerDirectoryCommands(program, withRuntime);
  registerConnectorsCommands(program, withRuntime);
  registerCrousCommands(program, withRuntime);
  registerCardExportCommands(program, withRuntime);
  registerCardMigrationCommands(program, withRuntime);
  registerExportEmbeddedCommand(program, config);
  registerPrinterClientCommand(program);
}
