import type { Command } from 'commander';
import type { Runtime } from '../app/runtime.ts';

export type WithRuntime = <T>(command: string, work: (runtime: Runtime) => Promise<T>, options?: { workers?: boolean }) => Promise<T>;

/** Commands contributed by the contexts (imports, ESC, …). */
export function registerExtraCommands(program: Command, withRuntime: WithRuntime): void {
  void program;
  void withRuntime;
}
