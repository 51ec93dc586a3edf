import type { Argv, CommandModule } from 'yargs';
import { diff, type DiffResult } from '../../api/push.ts';
import { ExitCode } from '../../errors.ts';
import { connect, withClusterOptions } from '../cluster-options.ts';
import { DEFINITIONS_HELP, type ArgsOf, type CommandContext } from '../context.ts';
import { describeCluster, printPlan, printPlanLimits } from '../print-plan.ts';
import { printLimitProblems } from '../print-limits.ts';

const builder = (y: Argv<object>) =>
  withClusterOptions(y)
    .positional('definitions', { type: 'string', array: true, default: [], describe: DEFINITIONS_HELP })
    .option('json', { type: 'boolean', default: false, describe: 'Print the plan as JSON (for CI bots)' });

export type DiffArgs = ArgsOf<typeof builder>;

/** The plan as data for CI bots: each object's action, and for data streams the classified mapping changes. */
function planJson(plan: DiffResult): string {
  return JSON.stringify(
    {
      cluster: plan.cluster.url,
      in_sync: plan.changes.every((c) => c.action === 'unchanged'),
      objects: plan.changes.map((c) => ({
        kind: c.kind,
        name: c.name,
        action: c.action,
        ...(c.owners ? { owners: { before: c.owners.before, after: c.owners.after, foreign: c.owners.foreign, ...(c.owners.notEvforges ? { not_evforges: c.owners.notEvforges } : {}) } } : {}),
        ...(c.rollout ? { rollout: { mode: c.rollout.mode, write_index: c.rollout.writeIndex, changes: c.rollout.changes } } : {}),
      })),
      notes: plan.notes,
      limits: { from: plan.limits.engine.from, data_streams: plan.limits.measures, problems: plan.limits.problems.map((p) => ({ limit: p.limit, value: p.value, max: p.max, setting: p.setting, object: p.object, message: p.message })) },
    },
    null,
    2,
  );
}

/** What `push` would change. Exit 0 in sync, 1 not (for CI). */
export async function runDiff(args: DiffArgs, ctx: CommandContext): Promise<ExitCode> {
  const o = ctx.output;
  const plan = await diff({ definitions: args.definitions, cwd: ctx.cwd, cluster: () => connect(args, ctx), namespace: args.namespace });
  if (args.json) {
    o.out(planJson(plan));
    return plan.inSync ? ExitCode.ok : ExitCode.failure;
  }
  o.out(`Comparing with ${describeCluster({ info: plan.cluster })}:`);
  printPlan(plan.changes, o);
  for (const n of plan.notes) o.out(`  note: ${n}`);
  printPlanLimits(plan, o);
  printLimitProblems(plan.limits.problems, o);
  if (plan.inSync) {
    o.out('No changes detected: the cluster matches the definitions.');
    return ExitCode.ok;
  }
  o.out('The cluster differs from the definitions: run `npx evforge push` to apply this plan.');
  return ExitCode.failure;
}

export const diffCommand = (ctx: () => CommandContext, setCode: (c: ExitCode) => void): CommandModule<object, DiffArgs> => ({
  command: 'diff [definitions..]',
  describe: 'Show what push would change; exit 1 when the cluster differs (for CI)',
  builder,
  handler: async (args) => setCode(await runDiff(args, ctx())),
});
