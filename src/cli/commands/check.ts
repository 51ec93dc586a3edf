import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../../errors.ts';
import { DEFAULT_OUT, computeOutput } from '../../api/mappings.ts';
import { DEFINITIONS_HELP, type ArgsOf, type CommandContext } from '../context.ts';
import { renderManifestProblems, renderOwnershipProblems, renderVersionProblems } from '../render-changes.ts';
import { limitsLine, renderLimitProblems } from '../render-limits.ts';

const builder = (y: Argv<object>) =>
  y
    .positional('definitions', { type: 'string', array: true, default: [], describe: DEFINITIONS_HELP })
    .option('out', { type: 'string', default: DEFAULT_OUT, describe: 'Output folder to compare' });

export type CheckArgs = ArgsOf<typeof builder>;

const defCount = (state: { plan: { datasets: readonly { dataset: { events: readonly unknown[] } }[] } }) => state.plan.datasets.reduce((n, b) => n + b.dataset.events.length, 0);

/** Regenerates in memory and compares byte for byte; never writes. */
export async function runCheck(args: CheckArgs, ctx: CommandContext): Promise<ExitCode> {
  const state = await computeOutput(args.definitions, args.out, ctx.cwd, ctx.env['HOME'] ? { home: ctx.env['HOME'] } : {});
  const { stale, missing, extra, foreign } = state.diff;
  const problems = state.plan.versionProblems;
  renderManifestProblems(state.manifestProblems, ctx.output, 'check');
  const manifestBroken = state.manifestProblems.some((p) => p.action !== 'ignore');
  if (state.plan.ownershipProblems.length) {
    renderOwnershipProblems(state.plan.ownershipProblems, ctx.output, 'check');
    return ExitCode.failure;
  }
  const differences = stale.length + missing.length + extra.length + foreign.length;
  const o = ctx.output;
  renderLimitProblems(state.limitProblems, o);
  if (differences === 0 && problems.length === 0 && state.limitProblems.length === 0 && !manifestBroken) {
    o.out(`✔ ${state.outLabel}/ is up to date (${state.plan.files.size} files from ${defCount(state)} definition${defCount(state) === 1 ? '' : 's'} in ${state.plan.datasets.length} data stream${state.plan.datasets.length === 1 ? '' : 's'})`);
    for (const b of state.plan.datasets) o.out(`  logs-${b.dataset.name}-*: ${limitsLine(b.limits)}`);
    return ExitCode.ok;
  }
  renderVersionProblems(problems, o);
  if (differences === 0) return ExitCode.failure;
  o.err(`✖ ${state.outLabel}/ does not match the definitions`);
  for (const p of stale) o.err(`  stale    ${state.outLabel}/${p}`);
  for (const p of missing) o.err(`  missing  ${state.outLabel}/${p}`);
  for (const p of extra) o.err(`  extra    ${state.outLabel}/${p}`);
  for (const p of foreign) o.err(`  foreign  ${state.outLabel}/${p} (not written by evforge)`);
  const cmd = ['npx evforge generate', ...args.definitions, ...(args.out !== DEFAULT_OUT ? [`--out ${args.out}`] : [])].join(' ');
  // While generate refuses a broken manifest, the hint above (restore it) comes first.
  if (stale.length + missing.length + extra.length > 0 && !state.manifestProblems.some((p) => p.action === 'refuse')) o.err(`  hint: run \`${cmd}\`, review the diff, and commit it`);
  if (foreign.length > 0) o.err(`  hint: ${state.outLabel}/ holds only generated files: move each foreign file elsewhere (generate never removes a file it did not write)`);
  return ExitCode.failure;
}

export const checkCommand = (ctx: () => CommandContext, setCode: (c: ExitCode) => void): CommandModule<object, CheckArgs> => ({
  command: 'check [definitions..]',
  describe: 'Exit 1 when the output folder differs from what the definitions generate (for CI)',
  builder,
  handler: async (args) => setCode(await runCheck(args, ctx())),
});
