import type { Argv, CommandModule } from 'yargs';
import { compare } from '../../api/compare.ts';
import { DEFAULT_OUT } from '../../api/mappings.ts';
import { ExitCode } from '../../errors.ts';
import type { SchemaChange } from '../../plan/classify.ts';
import { DEFINITIONS_HELP, type ArgsOf, type CommandContext } from '../context.ts';
import { printChanges } from '../print-changes.ts';

const builder = (y: Argv<object>) =>
  y
    .positional('definitions', { type: 'string', array: true, default: [], describe: DEFINITIONS_HELP })
    .option('base', { type: 'string', demandOption: true, describe: 'Git ref (HEAD~1, main, v1.2.0) or folder to compare with' })
    .option('out', { type: 'string', default: DEFAULT_OUT, describe: 'Name of the generated folder in the base' })
    .option('json', { type: 'boolean', default: false, describe: 'Print the classification as JSON (for CI bots)' })
    .option('fail-on', { choices: ['breaking', 'compatible', 'any'] as const, describe: 'Exit 1 when changes of this level (or worse) exist' });

export type CompareArgs = ArgsOf<typeof builder>;

/** Classifies what changed between a base (git ref or folder) and what the working tree's definitions generate. */
export async function runCompare(args: CompareArgs, ctx: CommandContext): Promise<ExitCode> {
  const { events, changes } = await compare({ base: args.base, definitions: args.definitions, out: args.out, cwd: ctx.cwd });
  if (args.json) {
    ctx.output.out(JSON.stringify({ base: args.base, events }, null, 2));
  } else {
    ctx.output.out(`Changes from ${args.base} to the working tree:`);
    for (const e of events) {
      if (e.event.startsWith('data stream ')) ctx.output.out(`${e.event}: ${e.changes.length ? `${e.changes.length} change(s)` : 'no change'}`);
      else ctx.output.out(`${e.event}: ${e.from ?? '(new)'} → ${e.to ?? '(removed)'}${e.needed ? `, needs a ${e.needed} bump` : e.from && e.to ? ', no artifact change' : ''}`);
      printChanges(e.changes, (l) => ctx.output.out(l));
    }
    const n = (s: SchemaChange['severity']) => changes.filter((c) => c.severity === s).length;
    ctx.output.out(`${n('breaking')} breaking, ${n('compatible')} compatible, ${n('docs')} documentation change(s).`);
  }
  const fail = args['fail-on'];
  const failing = fail === 'any' ? changes.length > 0 : fail === 'compatible' ? changes.some((c) => c.severity !== 'docs') : fail === 'breaking' ? changes.some((c) => c.severity === 'breaking') : false;
  return failing ? ExitCode.failure : ExitCode.ok;
}

export const compareCommand = (ctx: () => CommandContext, setCode: (c: ExitCode) => void): CommandModule<object, CompareArgs> => ({
  command: 'compare [definitions..]',
  describe: 'Classify changes (breaking / compatible / docs) between a git ref or folder and the working tree',
  builder,
  handler: async (args) => setCode(await runCompare(args, ctx())),
});
