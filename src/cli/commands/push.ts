import type { Argv, CommandModule } from 'yargs';
import { push, PushStoppedError, type PushResult } from '../../api/push.ts';
import { ExitCode } from '../../errors.ts';
import { OBJECT_LABELS } from '../../terms.ts';
import type { Change } from '../../plan/plan.ts';
import { checkClusterArgs, connect, withClusterOptions } from '../cluster-options.ts';
import { DEFINITIONS_HELP, type ArgsOf, type CommandContext } from '../context.ts';
import type { Output } from '../output.ts';
import { describeCluster, printPlan, printPlanLimits } from '../print-plan.ts';
import { printLimitProblems } from '../print-limits.ts';

const builder = (y: Argv<object>) =>
  withClusterOptions(y)
    .positional('definitions', { type: 'string', array: true, default: [], describe: DEFINITIONS_HELP })
    .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan and write nothing' })
    .option('allow-breaking', { type: 'boolean', default: false, describe: 'Apply breaking mapping changes by rolling the data stream over' })
    .option('take-over', { type: 'boolean', default: false, describe: 'Replace objects that definitions not given produced (they become these definitions\' own)' });

export type PushArgs = ArgsOf<typeof builder>;

const label = (c: Change) => `${OBJECT_LABELS[c.kind]} ${c.name}`;

/**
 * Reads the cluster, prints the plan, applies it in dependency order. Re-running writes nothing.
 * A refused push leads with the reason and the way out; its plan follows, the diffs only with -v.
 */
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
      onPlan: (plan) => {
        o.out(`Plan for ${describeCluster({ info: plan.cluster })}:`);
        printPlan(plan.changes, o);
        for (const n of plan.notes) o.out(`  note: ${n}`);
        printPlanLimits(plan, o);
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
  return printOutcome(result, o);
}

/** A refused push's plan, after its reason: what it would have done, the diffs only with -v. */
function printRefusedPlan(result: PushResult, o: Output): void {
  o.out(`Plan for ${describeCluster({ info: result.cluster })} (refused, nothing was written):`);
  printPlan(result.changes, o, true, o.verbose);
  for (const n of result.notes) o.out(`  note: ${n}`);
  printPlanLimits(result, o);
  if (!o.verbose && result.changes.some((c) => c.diff)) o.out('  (run with -v to see each update\'s diff)');
}

function printOutcome(result: PushResult, o: Output): ExitCode {
  switch (result.status) {
    case 'in_sync':
      o.out('No changes detected.');
      return ExitCode.ok;
    case 'refused_foreign': {
      const { refused, owners: foreign, notEvforges } = result;
      const ofOthers = refused.filter((c) => !c.owners?.notEvforges);
      if (notEvforges.length > 0) {
        o.err(`✖ refused: ${notEvforges.map((c) => `${label(c)} (${c.owners?.notEvforges})`).join(', ')} ${notEvforges.length === 1 ? 'was' : 'were'} not made by evforge; nothing was written`);
      }
      if (ofOthers.length > 0) {
        o.err(`✖ refused: ${ofOthers.map(label).join(', ')} ${ofOthers.length === 1 ? 'was' : 'were'} produced by ${foreign.join(', ')}, which ${foreign.length === 1 ? 'was' : 'were'} not given; nothing was written`);
      }
      const hints = [
        ...(ofOthers.length > 0 ? [`push every definition of the data stream together (\`npx evforge push\` pushes all of examples/)`] : []),
        ...(notEvforges.length > 0 ? ['check who made the objects not made by evforge (another team, Fleet), or give the definitions another dataset'] : []),
      ];
      o.err(`  hint: ${hints.join('; ')}; or pass --take-over to replace ${refused.length === 1 ? 'it' : 'them'} with what these definitions generate${foreign.length ? ` (${foreign.join(', ')} would no longer be normalized)` : ''}`);
      printRefusedPlan(result, o);
      return ExitCode.failure;
    }
    case 'refused_limits':
      o.err(`✖ refused: ${result.problems.length === 1 ? 'an engine limit' : `${result.problems.length} engine limits`} would be exceeded; nothing was written`);
      printLimitProblems(result.problems, o);
      printRefusedPlan(result, o);
      return ExitCode.failure;
    case 'refused_breaking':
      o.err(`✖ refused: breaking mapping change for data stream ${result.refused.map((c) => c.name).join(', ')}; nothing was written`);
      o.err('  hint: review the changes in the plan below; `npx evforge push --allow-breaking` applies them and rolls the data stream over (old data stays searchable)');
      printRefusedPlan(result, o);
      return ExitCode.failure;
    case 'lost': {
      const winner = result.winners?.length ? `it now belongs to ${result.winners.join(', ')}` : 'it records no evforge owners now';
      o.err(`✖ lost to a concurrent push: ${label(result.object)} ${result.why}; ${winner}`);
      o.err(`  ${result.written.length ? `this push wrote: ${result.written.map(label).join(', ')}` : 'this push wrote nothing'}`);
      o.err('  hint: let the other push finish, then run `npx evforge diff` to see what the cluster holds; push again to apply these definitions (pushing another member\'s objects needs all of the data stream\'s definitions, or --take-over)');
      return ExitCode.failure;
    }
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
