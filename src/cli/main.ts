import yargs from 'yargs';
import { ExitCode, UsageError } from '../errors.ts';
import { ClusterError } from '../io/cluster/errors.ts';
import type { CommandModule } from 'yargs';
import type { CommandContext } from './context.ts';
import { processOutput, renderError, type Output } from './output.ts';

type CommandFactory = (ctx: () => CommandContext, setCode: (c: ExitCode) => void) => CommandModule<object, never>;

/** Each command's module, imported only when it may run: start-up is mostly module loading. */
const COMMANDS: Record<string, () => Promise<CommandFactory>> = {
  generate: async () => (await import('./commands/generate.ts')).generateCommand as CommandFactory,
  check: async () => (await import('./commands/check.ts')).checkCommand as CommandFactory,
  compare: async () => (await import('./commands/compare.ts')).compareCommand as CommandFactory,
  push: async () => (await import('./commands/push.ts')).pushCommand as CommandFactory,
  diff: async () => (await import('./commands/diff.ts')).diffCommand as CommandFactory,
  test: async () => (await import('./commands/test.ts')).testCommand as CommandFactory,
  replay: async () => (await import('./commands/replay.ts')).replayCommand as CommandFactory,
};

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
export async function main(argv: readonly string[], options: { output?: Output; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ExitCode> {
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const output = options.output ?? processOutput(verbose);
  const ctx: CommandContext = { output, cwd: options.cwd ?? process.cwd(), env: options.env ?? process.env };
  let code: ExitCode = ExitCode.ok;
  const setCode = (c: ExitCode) => {
    code = c;
  };
  const commands = await Promise.all(reachableCommands(argv).map((name) => COMMANDS[name]!()));
  const parser = yargs([...argv])
    .scriptName('evforge')
    .usage('$0 <command> [options]\n\nOne TypeScript definition of a Windows event → index templates, ingest pipeline, detection rules and docs.')
    .command(commands.map((command) => command(() => ctx, setCode)))
    .option('verbose', { alias: 'v', type: 'boolean', default: false, describe: 'Print more detail (never secrets)' })
    .demandCommand(1, 'name a command')
    .strict()
    .recommendCommands()
    .help()
    .version()
    .wrap(Math.min(100, process.stdout.columns ?? 100))
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
    output.err(renderError(err, verbose));
    return err instanceof UsageError ? ExitCode.usage : err instanceof ClusterError ? ExitCode.cluster : ExitCode.failure;
  }
}
