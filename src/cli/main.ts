import yargs from 'yargs';
import { ExitCode, UsageError } from '../errors.ts';
import { ClusterError } from '../io/cluster/errors.ts';
import { checkCommand } from './commands/check.ts';
import { compareCommand } from './commands/compare.ts';
import { diffCommand } from './commands/diff.ts';
import { generateCommand } from './commands/generate.ts';
import { pushCommand } from './commands/push.ts';
import { replayCommand } from './commands/replay.ts';
import { testCommand } from './commands/test.ts';
import type { CommandContext } from './context.ts';
import { processOutput, renderError, type Output } from './output.ts';

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
  const parser = yargs([...argv])
    .scriptName('evforge')
    .usage('$0 <command> [options]\n\nOne TypeScript definition of a Windows event → index templates, ingest pipeline, detection rules and docs.')
    .command(generateCommand(() => ctx, setCode))
    .command(checkCommand(() => ctx, setCode))
    .command(compareCommand(() => ctx, setCode))
    .command(pushCommand(() => ctx, setCode))
    .command(diffCommand(() => ctx, setCode))
    .command(testCommand(() => ctx, setCode))
    .command(replayCommand(() => ctx, setCode))
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
