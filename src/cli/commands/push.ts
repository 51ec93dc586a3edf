import type { CommandModule } from 'yargs';
import { ExitCode } from '../../errors.ts';
import { applyPlan } from '../../io/cluster/apply.ts';
import { OBJECT_LABELS } from '../../plan/objects.ts';
import { countChanges, type Change } from '../../plan/plan.ts';
import { checkClusterArgs, connect, withClusterOptions, type ClusterArgs } from '../cluster-options.ts';
import { planForCluster } from '../cluster-plan.ts';
import type { CommandContext } from '../context.ts';
import { describeCluster, renderPlan } from '../render-plan.ts';
import { renderSelection } from '../selection.ts';

export interface PushArgs extends ClusterArgs {
  definitions: string[];
  'dry-run': boolean;
  'allow-breaking': boolean;
  'take-over': boolean;
}

/** Reads the cluster, prints the plan, applies it in dependency order. Re-running writes nothing. */
export async function runPush(args: PushArgs, ctx: CommandContext): Promise<ExitCode> {
  const o = ctx.output;
  // Every name is checked before the first write: a bad namespace must not leave a pipeline behind.
  checkClusterArgs(args);
  const bundles = await renderSelection(args.definitions, ctx.cwd);
  const cluster = await connect(args, ctx);
  try {
    o.out(`Plan for ${describeCluster(cluster)}:`);
    const plan = await planForCluster(cluster, bundles, { namespace: args.namespace, allowBreaking: args['allow-breaking'] });
    renderPlan(plan.changes, o);
    for (const n of plan.notes) o.out(`  note: ${n}`);
    const n = countChanges(plan.changes);
    if (n.create + n.update === 0) {
      o.out('No changes detected.');
      return ExitCode.ok;
    }
    const taken = plan.changes.filter((c) => c.owners && c.owners.foreign.length > 0);
    if (taken.length > 0 && !args['take-over']) {
      const foreign = [...new Set(taken.flatMap((c) => c.owners!.foreign))].sort();
      o.err(`✖ refused: ${taken.map((c) => `${OBJECT_LABELS[c.kind]} ${c.name}`).join(', ')} ${taken.length === 1 ? 'was' : 'were'} produced by ${foreign.join(', ')}, which ${foreign.length === 1 ? 'was' : 'were'} not given; nothing was written`);
      o.err(`  hint: push every definition of the data stream together (\`npx evforge push\` pushes all of examples/), or pass --take-over to replace ${taken.length === 1 ? 'it' : 'them'} with what these definitions generate (${foreign.join(', ')} would no longer be normalized)`);
      return ExitCode.failure;
    }
    const refused = plan.changes.filter((c) => c.rollout?.mode === 'refused');
    if (refused.length > 0) {
      o.err(`✖ refused: breaking mapping change for data stream ${refused.map((c) => c.name).join(', ')}; nothing was written`);
      o.err('  hint: review the changes above; `npx evforge push --allow-breaking` applies them and rolls the data stream over (old data stays searchable)');
      return ExitCode.failure;
    }
    if (args['dry-run']) {
      o.out('Dry run: nothing was written.');
      return ExitCode.ok;
    }
    const done = new Set<Change>();
    let writes: number;
    try {
      writes = await applyPlan(plan.changes, cluster, (c, detail) => {
        done.add(c);
        o.out(`✔ ${c.action === 'create' ? 'created' : 'updated'} ${OBJECT_LABELS[c.kind]} ${c.name}${detail ? `: ${detail}` : ''}`);
      });
    } catch (err) {
      // Say exactly what is on the cluster now; the next push plans from there and converges.
      const left = plan.changes.filter((c) => c.action !== 'unchanged' && !done.has(c));
      const label = (c: Change) => `${OBJECT_LABELS[c.kind]} ${c.name}`;
      o.err(`✖ push stopped part-way: ${done.size} of ${done.size + left.length} change${done.size + left.length === 1 ? '' : 's'} written`);
      if (done.size > 0) o.err(`  written (left in place, complete): ${[...done].map(label).join(', ')}`);
      o.err(`  not written: ${left.map(label).join(', ')}`);
      o.err('  run the same push again once the cause below is fixed: it plans from what is there and writes only the rest');
      throw err;
    }
    o.out(`Applied ${writes} change${writes === 1 ? '' : 's'} to ${cluster.info.url}.`);
    return ExitCode.ok;
  } finally {
    await cluster.close();
  }
}

export const pushCommand = (ctx: () => CommandContext, setCode: (c: ExitCode) => void): CommandModule<object, PushArgs> => ({
  command: 'push [definitions..]',
  describe: 'Create or update the pipeline, templates, data stream (and rules) on a cluster',
  builder: (y) =>
    withClusterOptions(y)
      .positional('definitions', { type: 'string', array: true, default: [] as string[], describe: 'Definition files (.ts); default examples/*.ts' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan and write nothing' })
      .option('allow-breaking', { type: 'boolean', default: false, describe: 'Apply breaking mapping changes by rolling the data stream over' })
      .option('take-over', { type: 'boolean', default: false, describe: 'Replace objects that definitions not given produced (they become these definitions\' own)' }) as never,
  handler: async (args) => setCode(await runPush(args, ctx())),
});
