import type { Argv, CommandModule } from 'yargs';
import { ExitCode } from '../../errors.ts';
import { DEFAULT_OUT, computeOutput, writeOutput } from '../../api/mappings.ts';
import { DEFINITIONS_HELP, type ArgsOf, type CommandContext } from '../context.ts';
import { renderOwnershipProblems, renderVersionProblems } from '../render-changes.ts';

const builder = (y: Argv<object>) =>
  y
    .positional('definitions', { type: 'string', array: true, default: [], describe: DEFINITIONS_HELP })
    .option('out', { type: 'string', default: DEFAULT_OUT, describe: 'Output folder, owned by evforge' })
    .option('take-over', { type: 'boolean', default: false, describe: 'Let the named definitions replace a data stream that other definitions share (they leave it)' });

export type GenerateArgs = ArgsOf<typeof builder>;

export async function runGenerate(args: GenerateArgs, ctx: CommandContext): Promise<ExitCode> {
  const state = await computeOutput(args.definitions, args.out, ctx.cwd, { takeOver: args['take-over'] });
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
  const { stale, missing, extra } = state.diff;
  const result = await writeOutput(state);
  for (const b of state.plan.bundles) {
    const members = b.bundle.events.map((e) => `${e.name} ${e.schemaVersion}`).join(', ');
    ctx.output.out(`✔ ${b.bundle.events.map((e) => b.sources.get(e.name)).join(', ')} → ${state.outLabel}/${b.bundle.dataset}/ (${b.files.size} files; ${members})`);
  }
  ctx.output.out(`${result.written.length} written, ${result.unchanged} unchanged, ${result.removed.length} removed in ${state.outLabel}/`);
  if (ctx.output.verbose) {
    for (const p of missing) ctx.output.out(`  + ${p}`);
    for (const p of stale) ctx.output.out(`  ~ ${p}`);
    for (const p of extra) ctx.output.out(`  - ${p}`);
  }
  return ExitCode.ok;
}

export const generateCommand = (ctx: () => CommandContext, setCode: (c: ExitCode) => void): CommandModule<object, GenerateArgs> => ({
  command: 'generate [definitions..]',
  describe: 'Write mappings, pipeline, rules and docs for each definition',
  builder,
  handler: async (args) => setCode(await runGenerate(args, ctx())),
});
