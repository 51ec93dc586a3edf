import yargs from 'yargs';
import { EvforgeError, ExitCode, UsageError } from '../errors.ts';
import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from './context.ts';
import { processOutput, formatError, type Output } from './output.ts';

/** Adds one command to the parser; each keeps its own argument type. */
type Registration = (y: Argv<object>, ctx: () => CommandContext, setCode: (c: ExitCode) => void) => Argv<object>;

const register =
  <U>(command: (ctx: () => CommandContext, setCode: (c: ExitCode) => void) => CommandModule<object, U>): Registration =>
  (y, ctx, setCode) =>
    y.command(command(ctx, setCode));

/** Each command's module, imported only when it may run: start-up is mostly module loading. */
const COMMANDS: Record<string, () => Promise<Registration>> = {
  generate: async () => register((await import('./commands/generate.ts')).generateCommand),
  check: async () => register((await import('./commands/check.ts')).checkCommand),
  compare: async () => register((await import('./commands/compare.ts')).compareCommand),
  push: async () => register((await import('./commands/push.ts')).pushCommand),
  diff: async () => register((await import('./commands/diff.ts')).diffCommand),
  test: async () => register((await import('./commands/test.ts')).testCommand),
  replay: async () => register((await import('./commands/replay.ts')).replayCommand),
  import: async () => register((await import('./commands/import.ts')).importCommand),
};

/** Every command the CLI registers, in the order `--help` lists them (docs/cli.md is generated from these). */
export const commandNames = (): string[] => Object.keys(COMMANDS);

/**
 * The commands argv can reach: the one it names (the first word; the only option before it is the
 * boolean --verbose), none for a bare `--version`, else all of them (help, suggestions for a typo).
 */
function reachableCommands(argv: readonly string[]): string[] {
  const first = argv.find((a) => !a.startsWith('-'));
  if (first !== undefined && Object.hasOwn(COMMANDS, first)) return [first];
  if (first === undefined && argv.includes('--version') && !argv.includes('--help') && !argv.includes('-h')) return [];
  return Object.keys(COMMANDS);
}

/**
 * Parses arguments and runs one command. Returns the exit code (documented in the README); the
 * caller decides whether to exit.
 */
export async function main(argv: readonly string[], options: { output?: Output; cwd?: string; env?: NodeJS.ProcessEnv; wrap?: number } = {}): Promise<ExitCode> {
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const output = options.output ?? processOutput(verbose);
  const ctx: CommandContext = { output, cwd: options.cwd ?? process.cwd(), env: options.env ?? process.env };
  let code: ExitCode = ExitCode.ok;
  const setCode = (c: ExitCode) => {
    code = c;
  };
  const loaders = reachableCommands(argv).flatMap((name) => COMMANDS[name] ?? []);
  const commands = await Promise.all(loaders.map((load) => load()));
  const base: Argv<object> = yargs([...argv])
    .scriptName('evforge')
    .usage('$0 <command> [options]\n\nOne TypeScript definition of a Windows event → index templates, ingest pipeline, detection rules and docs.');
  const parser = commands
    .reduce((y, add) => add(y, () => ctx, setCode), base)
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'Print more detail (never secrets)' })
    .demandCommand(1, 'name a command')
    .strict()
    .recommendCommands()
    .help()
    .version()
    .wrap(options.wrap ?? Math.min(100, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // Thrown, not recorded: yargs would otherwise still run the command's handler.
      if (err) throw err;
      throw new UsageError(msg);
    });
  try {
    let help = '';
    await parser.parseAsync([...argv], {}, (_err, _argv, text) => {
      help = text;
    });
    if (help) output.out(help);
    return code;
  } catch (err) {
    output.err(formatError(err, verbose));
    return err instanceof EvforgeError ? err.exitCode : ExitCode.failure;
  }
}
