import type { Argv } from 'yargs';
import type { Output } from './output.ts';

/** What every command handler gets: where to write and which folder it runs in. */
export interface CommandContext {
  readonly output: Output;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The arguments a command's builder declares, as yargs infers them from its options. */
export type ArgsOf<B extends (y: Argv<object>) => unknown> = ReturnType<B> extends Argv<infer A> ? A : never;

/** The `definitions` positional's help, the same for every command that takes definitions. */
export const DEFINITIONS_HELP = 'Definition files (.ts); default: those evforge.config.ts names, else examples/*.ts';
