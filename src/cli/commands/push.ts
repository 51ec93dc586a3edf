import type { Argv, CommandModule } from 'yargs';
import { push, PushStoppedError, type PushResult } from '../../api/push.ts';
import { ExitCode } from '../../errors.ts';
import { OBJECT_LABELS } from '../../plan/objects.ts';
import type { Change } from '../../plan/plan.ts';
import { checkClusterArgs, connect, withClusterOptions } from '../cluster-options.ts';
import { DEFINITIONS_HELP, type ArgsOf, type CommandContext } from '../context.ts';
import type { Output } from '../output.ts';
import { describeCluster, renderPlan } from '../render-plan.ts';

const builder = (y: Argv<object>) =>
  withClusterOptions(y)
    .positional('definitions', { type: 'string', array: true, default: [], describe: DEFINITIONS_HELP })
    .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan and write nothing' })
    .option('allow-breaking', { type: 'boolean', default: false, describe: 'Apply breaking mapping changes by rolling the data stream over' })
    .option('take-over', { type: 'boolean', default: false, describe: 'Replace objects that definitions not given produced (they become these definitions\' own)' });

export type PushArgs = ArgsOf<typeof builder>;

const label = (c: Change) => `${OBJECT_LABELS[c.kind]} ${c.name}`;

/** Reads the cluster, prints the plan, applies it in dependency order. Re-running writes nothing. */
export async function runPush(args: PushArgs, ctx: CommandContext): Promise<ExitCode> {
  const o = ctx.output;
  // Every name is checked before the first write: a bad namespace must not leave a pipeline behind.
  checkClusterArgs(args);
  let result: PushResult;
  try {
    result = await push({
      definitions: args.definitions,
      cwd: ctx.cwd,
      cluster: () => connect(args, ctx),
      namespace: args.namespace,
      allowBreaking: args['allow-breaking'],
      takeOver: args['take-over'],
      dryRun: args['dry-run'],
      onConnected: (cluster) => o.out(`Plan for ${describeCluster(cluster)}:`),
      onPlan: (plan) => {
        renderPlan(plan.changes, o);
        for (const n of plan.notes) o.out(`  note: ${n}`);
      },
      onApplied: (c, detail) => o.out(`✔ ${c.action === 'create' ? 'created' : 'updated'} ${label(c)}${detail ? `: ${detail}` : ''}`),
    });
  } catch (err) {
    if (!(err instanceof PushStoppedError)) throw err;
    // Say exactly what is on the cluster now; the next push plans from there and converges.
    o.err(`✖ ${err.message}`);
    if (err.written.length > 0) o.err(`  written (left in place, complete): ${err.written.map(label).join(', ')}`);
    o.err(`  not written: ${err.notWritten.map(label).join(', ')}`);
    o.err('  run the same push again once the cause below is fixed: it plans from what is there and writes only the rest');
    throw err.cause;
  }
  return renderOutcome(result, o);
}

function renderOutcome(result: PushResult, o: Output): ExitCode {
  switch (result.status) {
    case 'in_sync':
      o.out('No changes detected.');
      return ExitCode.ok;
    case 'refused_foreign': {
      const { refused: taken, owners: foreign } = result;
      o.err(`✖ refused: ${taken.map(label).join(', ')} ${taken.length === 1 ? 'was' : 'were'} produced by ${foreign.join(', ')}, which ${foreign.length === 1 ? 'was' : 'were'} not given; nothing was written`);
      o.err(`  hint: push every definition of the data stream together (\`npx evforge push\` pushes all of examples/), or pass --take-over to replace ${taken.length === 1 ? 'it' : 'them'} with what these definitions generate (${foreign.join(', ')} would no longer be normalized)`);
      return ExitCode.failure;
    }
    case 'refused_breaking':
      o.err(`✖ refused: breaking mapping change for data stream ${result.refused.map((c) => c.name).join(', ')}; nothing was written`);
      o.err('  hint: review the changes above; `npx evforge push --allow-breaking` applies them and rolls the data stream over (old data stays searchable)');
      return ExitCode.failure;
    case 'dry_run':
      o.out('Dry run: nothing was written.');
      return ExitCode.ok;
    case 'applied':
      o.out(`Applied ${result.writes} change${result.writes === 1 ? '' : 's'} to ${result.cluster.url}.`);
      return ExitCode.ok;
  }
}

export const pushCommand = (ctx: () => CommandContext, setCode: (c: ExitCode) => void): CommandModule<object, PushArgs> => ({
  command: 'push [definitions..]',
  describe: 'Create or update the pipeline, templates, data stream (and rules) on a cluster',
  builder,
  handler: async (args) => setCode(await runPush(args, ctx())),
});
