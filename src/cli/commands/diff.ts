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
}

/** What `push` would change. Exit 0 in sync, 1 not (for CI). */
export async function runDiff(args: DiffArgs, ctx: CommandContext): Promise<ExitCode> {
  const o = ctx.output;
  const events = await renderSelection(args.definitions, ctx.cwd);
  const cluster = await connect(args, ctx);
  try {
    o.out(`Comparing with ${describeCluster(cluster)}:`);
    const plan = await planForCluster(cluster, events, { namespace: args.namespace });
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
  builder: (y) => withClusterOptions(y).positional('definitions', { type: 'string', array: true, default: [] as string[], describe: 'Definition files (.ts)' }) as never,
  handler: async (args) => setCode(await runDiff(args, ctx())),
});
