import { sourcesText } from '../../render/dataset.ts';
import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../../errors.ts';
import { DEFAULT_OUT, computeOutput, manifestRefused, writeOutput } from '../../api/mappings.ts';
import { DEFINITIONS_HELP, type ArgsOf, type CommandContext } from '../context.ts';
import { renderManifestProblems, renderOwnershipProblems, renderVersionProblems } from '../render-changes.ts';
import { limitsLine, renderLimitProblems } from '../render-limits.ts';

/** Members listed one by one up to this many. */
const LISTED = 6;

const builder = (y: Argv<object>) =>
  y
    .positional('definitions', { type: 'string', array: true, default: [], describe: DEFINITIONS_HELP })
    .option('out', { type: 'string', default: DEFAULT_OUT, describe: 'Output folder, owned by evforge' })
    .option('take-over', { type: 'boolean', default: false, describe: 'Let the named definitions replace a data stream that other definitions share (they leave it)' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'List what would be written and removed; write nothing' });

export type GenerateArgs = ArgsOf<typeof builder>;

export async function runGenerate(args: GenerateArgs, ctx: CommandContext): Promise<ExitCode> {
  const state = await computeOutput(args.definitions, args.out, ctx.cwd, { takeOver: args['take-over'], ...(ctx.env['HOME'] ? { home: ctx.env['HOME'] } : {}) });
  // A broken manifest first: rewritten (and said so) only when a valid one holds its histories.
  renderManifestProblems(state.manifestProblems, ctx.output, 'generate');
  if (manifestRefused(state)) {
    ctx.output.err(`Nothing was written to ${state.outLabel}/.`);
    return ExitCode.failure;
  }
  if (state.plan.ownershipProblems.length > 0) {
    renderOwnershipProblems(state.plan.ownershipProblems, ctx.output, 'generate');
    ctx.output.err(`Nothing was written to ${state.outLabel}/.`);
    return ExitCode.failure;
  }
  if (state.plan.versionProblems.length > 0) {
    renderVersionProblems(state.plan.versionProblems, ctx.output);
    ctx.output.err(`Nothing was written to ${state.outLabel}/.`);
    return ExitCode.failure;
  }
  const { stale, missing, extra, foreign } = state.diff;
  const o = ctx.output;
  if (state.limitProblems.length > 0) {
    renderLimitProblems(state.limitProblems, o);
    o.err(`Nothing was written to ${state.outLabel}/.`);
    return ExitCode.failure;
  }
  if (args['dry-run']) {
    o.out(`Dry run: ${missing.length + stale.length} to write, ${state.plan.files.size - missing.length - stale.length} unchanged, ${extra.length} to remove in ${state.outLabel}/; nothing was written`);
    for (const p of missing) o.out(`  + ${state.outLabel}/${p}`);
    for (const p of stale) o.out(`  ~ ${state.outLabel}/${p}`);
    for (const p of extra) o.out(`  - ${state.outLabel}/${p}`);
    renderForeign(foreign, state.outLabel, o);
    return ExitCode.ok;
  }
  const result = await writeOutput(state);
  for (const b of state.plan.datasets) {
    // Each member by name and version when they are few; a data stream of hundreds says how many (the manifest lists each).
    const events = b.dataset.events;
    const members = events.length <= LISTED ? events.map((e) => `${e.name} ${e.schemaVersion}`).join(', ') : `${events.length} definitions`;
    const sources = events.length <= LISTED ? events.map((e) => b.sources.get(e.name)).join(', ') : sourcesText(events.map((e) => b.sources.get(e.name) ?? e.name));
    o.out(`✔ ${sources} → ${state.outLabel}/${b.dataset.name}/ (${b.files.size} files; ${members})`);
    o.out(`    limits: ${limitsLine(b.limits)}`);
  }
  o.out(`${result.written.length} written, ${result.unchanged} unchanged, ${result.removed.length} removed in ${state.outLabel}/`);
  if (o.verbose) {
    for (const p of missing) o.out(`  + ${p}`);
    for (const p of stale) o.out(`  ~ ${p}`);
  }
  // Always listed: a removal is never silent.
  for (const p of result.removed) o.out(`  - ${state.outLabel}/${p} (removed: evforge wrote it, the definitions no longer generate it)`);
  renderForeign(foreign, state.outLabel, o);
  return ExitCode.ok;
}

/** Files in the output folder that evforge did not write: kept, and named with the way out. */
function renderForeign(foreign: readonly string[], outLabel: string, o: CommandContext['output']): void {
  if (foreign.length === 0) return;
  o.err(`! ${foreign.length} file${foreign.length === 1 ? '' : 's'} in ${outLabel}/ ${foreign.length === 1 ? 'was' : 'were'} not written by evforge (not in its manifest), left as ${foreign.length === 1 ? 'it is' : 'they are'}:`);
  for (const p of foreign) o.err(`  ? ${outLabel}/${p}`);
  o.err(`  hint: ${outLabel}/ holds only generated files; move ${foreign.length === 1 ? 'it' : 'them'} elsewhere (\`check\` fails while ${foreign.length === 1 ? 'it is' : 'they are'} there)`);
}

export const generateCommand = (ctx: () => CommandContext, setCode: (c: ExitCode) => void): CommandModule<object, GenerateArgs> => ({
  command: 'generate [definitions..]',
  describe: 'Write mappings, pipeline, rules and docs for each definition',
  builder,
  handler: async (args) => setCode(await runGenerate(args, ctx())),
});
