import type { CommandModule } from 'yargs';
import { ExitCode } from '../../errors.ts';
import { countChanges } from '../../plan/plan.ts';
import { connect, withClusterOptions, type ClusterArgs } from '../cluster-options.ts';
import { planForCluster } from '../cluster-plan.ts';
import type { CommandContext } from '../context.ts';
import { describeCluster, renderPlan } from '../render-plan.ts';
import { renderSelection } from '../selection.ts';

export interface DiffArgs extends ClusterArgs {
  definitions: string[];
  json: boolean;
}

/** The plan as data for CI bots: each object's action, and for data streams the classified mapping changes. */
function planJson(cluster: string, plan: Awaited<ReturnType<typeof planForCluster>>): string {
  return JSON.stringify(
    {
      cluster,
      in_sync: plan.changes.every((c) => c.action === 'unchanged'),
      objects: plan.changes.map((c) => ({
        kind: c.kind,
        name: c.name,
        action: c.action,
        ...(c.owners ? { owners: { before: c.owners.before, after: c.owners.after, foreign: c.owners.foreign } } : {}),
        ...(c.rollout ? { rollout: { mode: c.rollout.mode, write_index: c.rollout.writeIndex, changes: c.rollout.changes } } : {}),
      })),
      notes: plan.notes,
    },
    null,
    2,
  );
}

/** What `push` would change. Exit 0 in sync, 1 not (for CI). */
export async function runDiff(args: DiffArgs, ctx: CommandContext): Promise<ExitCode> {
  const o = ctx.output;
  const bundles = await renderSelection(args.definitions, ctx.cwd);
  const cluster = await connect(args, ctx);
  try {
    const plan = await planForCluster(cluster, bundles, { namespace: args.namespace });
    const n0 = countChanges(plan.changes);
    if (args.json) {
      o.out(planJson(cluster.info.url, plan));
      return n0.create + n0.update === 0 ? ExitCode.ok : ExitCode.failure;
    }
    o.out(`Comparing with ${describeCluster(cluster)}:`);
    renderPlan(plan.changes, o);
    for (const n of plan.notes) o.out(`  note: ${n}`);
    const n = countChanges(plan.changes);
    if (n.create + n.update === 0) {
      o.out('No changes detected: the cluster matches the definitions.');
      return ExitCode.ok;
    }
    o.out('The cluster differs from the definitions: run `npx evforge push` to apply this plan.');
    return ExitCode.failure;
  } finally {
    await cluster.close();
  }
}

export const diffCommand = (ctx: () => CommandContext, setCode: (c: ExitCode) => void): CommandModule<object, DiffArgs> => ({
  command: 'diff [definitions..]',
  describe: 'Show what push would change; exit 1 when the cluster differs (for CI)',
  builder: (y) =>
    withClusterOptions(y)
      .positional('definitions', { type: 'string', array: true, default: [] as string[], describe: 'Definition files (.ts)' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the plan as JSON (for CI bots)' }) as never,
  handler: async (args) => setCode(await runDiff(args, ctx())),
});
