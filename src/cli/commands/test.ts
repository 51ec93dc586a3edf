import type { Argv, CommandModule } from 'yargs';
import { test } from '../../api/test.ts';
import { ExitCode } from '../../errors.ts';
import type { TestResult } from '../../verify/tests.ts';
import { connect, withClusterOptions } from '../cluster-options.ts';
import { DEFINITIONS_HELP, type ArgsOf, type CommandContext } from '../context.ts';
import type { Output } from '../output.ts';
import { describeCluster } from '../print-plan.ts';

const builder = (y: Argv<object>) =>
  withClusterOptions(y)
    .positional('definitions', { type: 'string', array: true, default: [], describe: DEFINITIONS_HELP })
    .option('update-expected', { type: 'boolean', default: false, describe: 'Write each *-expected.json from the current output (review before committing)' });

export type TestArgs = ArgsOf<typeof builder>;

/** One line per case under its group, names aligned (at most 60 wide). */
function printTable(results: readonly TestResult[], o: Output): void {
  const w = Math.min(60, Math.max(...results.map((r) => r.name.length)));
  let group = '';
  for (const r of results) {
    if (r.group !== group) {
      group = r.group;
      o.out(`${group}`);
    }
    o.out(`  ${r.ok ? '✔' : '✖'} ${r.name.padEnd(w)}  ${r.detail}`);
  }
}

export async function runTest(args: TestArgs, ctx: CommandContext): Promise<ExitCode> {
  const report = await test({
    definitions: args.definitions,
    cwd: ctx.cwd,
    cluster: () => connect(args, ctx),
    namespace: args.namespace,
    updateExpected: args['update-expected'],
    onConnected: (cluster) => ctx.output.out(`Testing against ${describeCluster(cluster)}`),
  });
  printTable(report.results, ctx.output);
  ctx.output.out(`${report.passed} passed, ${report.failed} failed`);
  return report.failed === 0 ? ExitCode.ok : ExitCode.failure;
}

export const testCommand = (ctx: () => CommandContext, setCode: (c: ExitCode) => void): CommandModule<object, TestArgs> => ({
  command: 'test [definitions..]',
  describe: 'Run example events through the pushed pipeline and the rules; exit 1 on any failure',
  builder,
  handler: async (args) => setCode(await runTest(args, ctx())),
});
