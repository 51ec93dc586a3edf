import type { Output } from './output.ts';

/** What every command handler gets: where to write and which folder it runs in. */
export interface CommandContext {
  readonly output: Output;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}
