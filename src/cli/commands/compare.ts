import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { ExitCode, FileError } from '../../errors.ts';
import { readTree } from '../../io/files.ts';
import { filesAtRef } from '../../io/git.ts';
import { loadTemplates } from '../../io/templates.ts';
import { bumpOf, classifyStates, requiredBump, type GeneratedState, type SchemaChange } from '../../plan/classify.ts';
import { MANIFEST, renderOutput, type Manifest } from '../../render/output.ts';
import { Renderer } from '../../render/serialize.ts';
import type { CommandContext } from '../context.ts';
import { selectDefinitions } from '../definitions.ts';
import { DEFAULT_OUT } from '../mappings.ts';
import { renderChanges } from '../render-changes.ts';

export interface CompareArgs {
  definitions: string[];
  base: string;
  out: string;
  json: boolean;
  'fail-on'?: 'breaking' | 'compatible' | 'any';
}

function stateOf(files: ReadonlyMap<string, string>, label: string): GeneratedState {
  const text = files.get(MANIFEST);
  if (!text) throw new FileError(label, 'has no manifest.json', 'point --base at a generated mappings folder, or a git ref where mappings/ was committed');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch (err) {
    throw new FileError(`${label}/${MANIFEST}`, `is not valid JSON: ${(err as Error).message}`, 'regenerate it with `evforge generate`');
  }
  const index = new Map<string, { event: string; kind: never; target: never; name: string }>();
  const versions = new Map<string, string>();
  for (const [event, e] of Object.entries(manifest.events ?? {})) {
    versions.set(event, e.schema_version);
    for (const f of e.files) index.set(f.path, { event, kind: f.kind as never, target: f.target as never, name: f.name });
  }
  return { files, index, versions };
}

/** The base state: a folder (a mappings folder, or a project holding one) or a git ref's mappings/. */
async function baseFiles(base: string, out: string, ctx: CommandContext): Promise<{ files: Map<string, string>; label: string }> {
  const dir = resolve(ctx.cwd, base);
  const isDir = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (isDir) {
    for (const candidate of [dir, join(dir, out)]) {
      const tree = await readTree(candidate);
      if (tree.has(MANIFEST)) return { files: new Map([...tree].map(([p, b]) => [p, b.toString('utf8')])), label: candidate };
    }
    throw new FileError(base, `holds no generated ${out}/ (no manifest.json)`, 'pass a mappings folder, a project folder, or a git ref');
  }
  const files = await filesAtRef(ctx.cwd, base, out);
  if (!files) throw new FileError(`${base}:${out}`, `no ${out}/ was committed at ${base}`, 'pick a commit where mappings/ exists');
  return { files, label: `${base}:${out}` };
}

/** Classifies what changed between a base (git ref or folder) and what the working tree's definitions generate. */
export async function runCompare(args: CompareArgs, ctx: CommandContext): Promise<ExitCode> {
  const base = await baseFiles(args.base, args.out, ctx);
  const selection = await selectDefinitions(args.definitions, ctx.cwd);
  const after = renderOutput(selection.definitions, new Renderer(loadTemplates()), undefined, true);
  const beforeState = stateOf(base.files, base.label);
  const afterState = stateOf(after.files, 'working tree');
  const changes: SchemaChange[] = classifyStates(beforeState, afterState);
  const events = [...new Set([...beforeState.versions.keys(), ...afterState.versions.keys()])].sort().map((event) => {
    const own = changes.filter((c) => c.event === event);
    const from = beforeState.versions.get(event);
    const to = afterState.versions.get(event);
    const needed = requiredBump(own) ?? null;
    return { event, from: from ?? null, to: to ?? null, needed, bumped: from && to ? bumpOf(from, to) : null, changes: own };
  });
  if (args.json) {
    ctx.output.out(JSON.stringify({ base: args.base, events }, null, 2));
  } else {
    ctx.output.out(`Changes from ${args.base} to the working tree:`);
    for (const e of events) {
      ctx.output.out(`${e.event}: ${e.from ?? '(new)'} → ${e.to ?? '(removed)'}${e.needed ? `, needs a ${e.needed} bump` : ', no artifact change'}`);
      renderChanges(e.changes, (l) => ctx.output.out(l));
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
  builder: (y) =>
    y
      .positional('definitions', { type: 'string', array: true, default: [] as string[], describe: 'Definition files (.ts); default examples/*.ts' })
      .option('base', { type: 'string', demandOption: true, describe: 'Git ref (HEAD~1, main, v1.2.0) or folder to compare with' })
      .option('out', { type: 'string', default: DEFAULT_OUT, describe: 'Name of the generated folder in the base' })
      .option('json', { type: 'boolean', default: false, describe: 'Print the classification as JSON (for CI bots)' })
      .option('fail-on', { choices: ['breaking', 'compatible', 'any'] as const, describe: 'Exit 1 when changes of this level (or worse) exist' }) as never,
  handler: async (args) => setCode(await runCompare(args, ctx())),
});
