import { randomBytes } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import type { Detection, EventDefinition } from '../../definition/model.ts';
import { ExitCode, FileError } from '../../errors.ts';
import { bundleFields } from '../../generate/fields.ts';
import { objectNames } from '../../generate/naming.ts';
import { buildQueries } from '../../generate/rules.ts';
import type { Cluster } from '../../io/cluster/cluster.ts';
import { readEventFile } from '../../io/events.ts';
import { displayPath } from '../../io/loader.ts';
import { desiredObjects } from '../../plan/objects.ts';
import { planChanges } from '../../plan/plan.ts';
import { stableJson, stableJsonLine } from '../../json.ts';
import type { RenderedBundle } from '../../render/bundle.ts';
import { documentDifferences, leaves, mappingProblems } from '../../verify/documents.ts';
import { connect, withClusterOptions, type ClusterArgs } from '../cluster-options.ts';
import type { CommandContext } from '../context.ts';
import { describeCluster } from '../render-plan.ts';
import { renderSelection } from '../selection.ts';

export interface TestArgs extends ClusterArgs {
  definitions: string[];
  'update-expected': boolean;
}

interface CaseResult {
  readonly group: string;
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

const EXPECTED_SUFFIX = '-expected.json';

/** `events/<name>*.json` next to the definition, minus the `*-expected.json` goldens. */
async function pipelineEventFiles(definitionPath: string, name: string): Promise<string[]> {
  const dir = join(dirname(definitionPath), 'events');
  let files: string[];
  try {
    files = await readdir(dir);
  } catch {
    return [];
  }
  return files
    .filter((f) => f.startsWith(name) && f.endsWith('.json') && !f.endsWith(EXPECTED_SUFFIX))
    .sort()
    .map((f) => join(dir, f));
}

/** The pushed pipeline must be the generated one, or the tests would prove something else. */
async function requirePushed(cluster: Cluster, bundle: RenderedBundle, namespace: string): Promise<string | undefined> {
  const desired = desiredObjects([bundle], cluster.info.flavor, { namespace, rules: { kibana: false, securityAnalytics: false } }).filter((d) => d.kind !== 'data_stream');
  const actual = new Map<string, unknown>();
  for (const d of desired) actual.set(`${d.kind}:${d.name}`, await cluster.readObject(d.kind, d.name));
  const stale = planChanges(desired, actual).filter((c) => c.action !== 'unchanged');
  if (stale.length === 0) return undefined;
  return `${stale.map((c) => `${c.kind.replace('_', ' ')} ${c.name} is ${c.action === 'create' ? 'missing' : 'different'}`).join(', ')}: run \`npx evforge push\` first`;
}

/** The event's example files through the bundle's one pipeline, each against its `*-expected.json`. */
async function pipelineTests(cluster: Cluster, bundle: RenderedBundle, def: EventDefinition, cwd: string, update: boolean): Promise<CaseResult[]> {
  const definitionPath = resolve(cwd, bundle.sources.get(def.name)!);
  const files = await pipelineEventFiles(definitionPath, def.name);
  const pipeline = objectNames(bundle.bundle).pipeline;
  const group = `pipeline ${pipeline}: ${def.name}`;
  if (files.length === 0) return [{ group, name: `${displayPath(join(dirname(definitionPath), 'events'), cwd)}/${def.name}*.json`, ok: false, detail: 'no example events to test' }];
  const inputs = await Promise.all(files.map((f) => readEventFile(f, displayPath(f, cwd))));
  const results = await cluster.simulate(pipeline, inputs.map((i) => i.text));
  const fields = bundleFields(bundle.bundle);
  const out: CaseResult[] = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    const name = basename(file);
    const expectedPath = file.replace(/\.json$/, EXPECTED_SUFFIX);
    const r = results[i]!;
    if (r.error || !r.source) {
      out.push({ group, name, ok: false, detail: `simulate failed: ${r.error?.type ?? ''} ${r.error?.reason ?? ''}`.trim() });
      continue;
    }
    const problems: string[] = [];
    const errorMessage = (r.source['error'] as { message?: unknown } | undefined)?.message;
    if (errorMessage !== undefined) problems.push(`error.message: ${stableJsonLine(errorMessage)}`);
    problems.push(...mappingProblems(r.source, fields));
    if (update) {
      await writeFile(expectedPath, stableJson(r.source));
      out.push({ group, name, ok: problems.length === 0, detail: problems.length ? problems.join('; ') : `recorded ${basename(expectedPath)}: review it before committing` });
      continue;
    }
    let expected: unknown;
    try {
      expected = (await readEventFile(expectedPath, displayPath(expectedPath, cwd))).value;
    } catch (err) {
      if (err instanceof FileError && err.message === 'file not found') {
        out.push({ group, name, ok: false, detail: `no ${basename(expectedPath)}: run \`npx evforge test --update-expected\` and review it` });
        continue;
      }
      throw err;
    }
    problems.push(...documentDifferences(expected, r.source));
    out.push({ group, name, ok: problems.length === 0, detail: problems.length ? problems.join('; ') : `= ${basename(expectedPath)}; ${leaves(r.source).length} values fit the mapping` });
  }
  return out;
}

interface RuleDoc {
  readonly id: string;
  readonly name: string;
  readonly text: string;
  readonly positive: boolean;
}

async function ruleDocs(rule: Detection, definitionPath: string, cwd: string): Promise<RuleDoc[]> {
  const docs: RuleDoc[] = [];
  for (const positive of [true, false]) {
    const refs = positive ? rule.tests.positives : rule.tests.negatives;
    for (const [i, ref] of refs.entries()) {
      const id = `${positive ? 'pos' : 'neg'}-${i + 1}`;
      const text = 'file' in ref ? (await readEventFile(resolve(dirname(definitionPath), ref.file), displayPath(resolve(dirname(definitionPath), ref.file), cwd))).text : stableJsonLine(ref.event);
      docs.push({ id, name: ref.name, text, positive });
    }
  }
  return docs;
}

/**
 * Positives and negatives indexed through the pipeline into a throw-away data stream of the same
 * template; each compiled query must return exactly the positives.
 */
async function ruleTests(cluster: Cluster, bundle: RenderedBundle, def: EventDefinition, cwd: string): Promise<CaseResult[]> {
  const definitionPath = resolve(cwd, bundle.sources.get(def.name)!);
  const out: CaseResult[] = [];
  const rules = def.detections.filter((r) => r.tests.positives.length + r.tests.negatives.length > 0);
  for (const rule of rules) {
    const group = `rule ${rule.title}`;
    const docs = await ruleDocs(rule, definitionPath, cwd);
    const stream = objectNames(def).dataStream(`evforgetest${randomBytes(4).toString('hex')}`);
    try {
      // Explicit ids make the request safe to retry: a repeat meets its own documents (409).
      const failed = await cluster.createDocuments(stream, docs);
      if (failed.length) {
        out.push({ group, name: 'index test events', ok: false, detail: failed.map((f) => `${f.id}: ${f.reason || f.status}`).join('; ') });
        continue;
      }
      const queries = buildQueries(def, rule);
      const positives = docs.filter((d) => d.positive).map((d) => d.id).sort();
      const hits: Record<string, string[]> = {};
      if (queries.dsl) hits['dsl'] = (await cluster.search(stream, queries.dsl)).ids;
      if (queries.lucene) hits['lucene'] = (await cluster.search(stream, { query_string: { query: queries.lucene } })).ids;
      for (const d of docs) {
        const verdicts = Object.entries(hits).map(([dialect, ids]) => [dialect, ids.includes(d.id) === d.positive] as const);
        const ok = verdicts.every(([, v]) => v);
        out.push({
          group,
          name: `${d.positive ? '+' : '-'} ${d.name}`,
          ok,
          detail: `${d.positive ? 'must match' : 'must not match'}: ${verdicts.map(([dialect, v]) => `${dialect} ${v ? '✔' : '✖'}`).join(' ')}`,
        });
      }
      for (const [dialect, ids] of Object.entries(hits)) {
        const exact = ids.join(',') === positives.join(',');
        if (!exact) out.push({ group, name: `${dialect} returns exactly the positives`, ok: false, detail: `returned [${ids.join(', ')}], expected [${positives.join(', ')}]` });
      }
    } finally {
      await cluster.deleteDataStream(stream);
    }
  }
  return out;
}

function renderTable(results: readonly CaseResult[], ctx: CommandContext): void {
  const o = ctx.output;
  const w = Math.min(60, Math.max(...results.map((r) => r.name.length)));
  let group = '';
  for (const r of results) {
    if (r.group !== group) {
      group = r.group;
      o.out(`${group}`);
    }
    o.out(`  ${r.ok ? '✔' : '✖'} ${r.name.padEnd(w)}  ${r.detail}`);
  }
}

export async function runTest(args: TestArgs, ctx: CommandContext): Promise<ExitCode> {
  const bundles = await renderSelection(args.definitions, ctx.cwd);
  const cluster = await connect(args, ctx);
  try {
    ctx.output.out(`Testing against ${describeCluster(cluster)}`);
    const results: CaseResult[] = [];
    for (const b of bundles) {
      const stale = await requirePushed(cluster, b, args.namespace);
      if (stale) {
        results.push({ group: `data stream ${objectNames(b.bundle).indexPattern}`, name: 'pushed objects', ok: false, detail: stale });
        continue;
      }
      for (const def of b.bundle.events) results.push(...(await pipelineTests(cluster, b, def, ctx.cwd, args['update-expected'])));
      for (const def of b.bundle.events) results.push(...(await ruleTests(cluster, b, def, ctx.cwd)));
    }
    renderTable(results, ctx);
    const failed = results.filter((r) => !r.ok).length;
    ctx.output.out(`${results.length - failed} passed, ${failed} failed`);
    return failed === 0 ? ExitCode.ok : ExitCode.failure;
  } finally {
    await cluster.close();
  }
}

export const testCommand = (ctx: () => CommandContext, setCode: (c: ExitCode) => void): CommandModule<object, TestArgs> => ({
  command: 'test [definitions..]',
  describe: 'Run example events through the pushed pipeline and the rules; exit 1 on any failure',
  builder: (y) =>
    withClusterOptions(y)
      .positional('definitions', { type: 'string', array: true, default: [] as string[], describe: 'Definition files (.ts)' })
      .option('update-expected', { type: 'boolean', default: false, describe: 'Write each *-expected.json from the current output (review before committing)' }) as never,
  handler: async (args) => setCode(await runTest(args, ctx())),
});
