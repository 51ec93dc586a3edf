import type { Detection, EventDefinition } from '../definition/model.ts';
import { datasetFields } from '../generate/fields.ts';
import { objectNames } from '../generate/naming.ts';
import { buildQueries } from '../generate/rules.ts';
import { valueAt } from '../guards.ts';
import { stableJson, stableJsonLine } from '../json.ts';
import { OBJECT_LABELS } from '../terms.ts';
import type { Change } from '../plan/plan.ts';
import type { RenderedDataset } from '../render/dataset.ts';
import { documentDifferences, leaves, mappingProblems } from './documents.ts';

/**
 * What `evforge test` does with a data stream's examples once they are read: each example event
 * through the pushed pipeline against its golden and the mapping, and each rule's positives and
 * negatives through a throw-away data stream against its compiled queries. The cluster comes in
 * as the interface below (src/io/cluster/cluster.ts's Cluster has it); the examples are read, and
 * recorded goldens written, by the caller (src/io/examples.ts).
 */

/** One case: a line of `evforge test`. */
export interface TestResult {
  /** What it belongs to: a pipeline and definition, a rule, a data stream. */
  readonly group: string;
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** A pipeline's output for one document, or the engine's error. */
export interface SimulatedDocument {
  readonly source?: Record<string, unknown>;
  readonly error?: { readonly type?: string; readonly reason?: string };
}

/** The engine operations the tests use. */
export interface TestCluster {
  /** Runs documents (JSON texts) through a stored pipeline. */
  simulate(pipeline: string, documents: readonly string[]): Promise<readonly SimulatedDocument[]>;
  /** Creates documents with these ids in `index`; each one the engine refuses is reported to `onDrop`. */
  bulk(options: {
    readonly index: string;
    readonly documents: Iterable<{ readonly id: string; readonly text: string }>;
    readonly onDrop: (drop: { readonly id: string; readonly status: number; readonly reason: string }) => void;
    readonly refresh?: boolean;
  }): Promise<unknown>;
  /** The ids of the documents a query matches, sorted. */
  search(index: string, query: object): Promise<{ readonly ids: readonly string[] }>;
  deleteDataStream(name: string): Promise<void>;
}

/** One example event of a definition, and its golden. */
export interface ExampleEvent {
  /** The event file's name, as shown. */
  readonly name: string;
  /** The event as JSON text (original digits kept). */
  readonly text: string;
  /** Where its golden lives (`<event>-expected.json`), and that file's name as shown. */
  readonly expectedPath: string;
  readonly expectedName: string;
  /** The golden's content; undefined when there is none (or when recording). */
  readonly expected?: { readonly value: unknown };
}

/** A positive or negative example of a rule, with the `_id` it is indexed under. */
export interface RuleExample {
  readonly id: string;
  readonly name: string;
  readonly text: string;
  readonly positive: boolean;
}

/** Everything one definition's tests read from disk. */
export interface DefinitionExamples {
  readonly definition: EventDefinition;
  /** The example events next to the definition; `pattern` names where they were looked for. */
  readonly events: { readonly pattern: string; readonly files: readonly ExampleEvent[] };
  /** Each detection that has examples. */
  readonly rules: readonly { readonly rule: Detection; readonly examples: readonly RuleExample[] }[];
}

export interface DatasetTestOptions {
  /** Record each output as its golden instead of comparing with it. */
  readonly record: boolean;
  /** A fresh namespace for each rule's throw-away data stream. */
  readonly scratchNamespace: () => string;
}

export interface DatasetTestOutcome {
  readonly results: readonly TestResult[];
  /** Goldens to write (when recording): path and content. */
  readonly recorded: readonly { readonly path: string; readonly text: string }[];
}

/**
 * The check before any test: the objects on the cluster must be the generated ones, or the tests
 * would prove something else. `changes` is the plan of the dataset's pipeline and templates.
 */
export function pushedCheck(dataset: RenderedDataset, changes: readonly Change[]): TestResult | undefined {
  const stale = changes.filter((c) => c.action !== 'unchanged');
  if (stale.length === 0) return undefined;
  const detail = `${stale.map((c) => `${OBJECT_LABELS[c.kind]} ${c.name} is ${c.action === 'create' ? 'missing' : 'different'}`).join(', ')}: run \`npx evforge push\` first`;
  return { group: `data stream ${objectNames(dataset.dataset.name).indexPattern}`, name: 'pushed objects', ok: false, detail };
}

/** Every definition's pipeline tests, then every definition's rule tests. */
export async function testDataset(cluster: TestCluster, dataset: RenderedDataset, examples: readonly DefinitionExamples[], options: DatasetTestOptions): Promise<DatasetTestOutcome> {
  const results: TestResult[] = [];
  const recorded: { path: string; text: string }[] = [];
  for (const e of examples) results.push(...(await pipelineTests(cluster, dataset, e, options.record, recorded)));
  for (const e of examples) results.push(...(await ruleTests(cluster, e, options.scratchNamespace)));
  return { results, recorded };
}

/** The definition's example events through the data stream's one pipeline, each against its golden. */
async function pipelineTests(cluster: TestCluster, dataset: RenderedDataset, e: DefinitionExamples, record: boolean, recorded: { path: string; text: string }[]): Promise<TestResult[]> {
  const pipeline = objectNames(dataset.dataset.name).pipeline;
  const group = `pipeline ${pipeline}: ${e.definition.name}`;
  const files = e.events.files;
  if (files.length === 0) return [{ group, name: e.events.pattern, ok: false, detail: 'no example events to test' }];
  const outputs = await cluster.simulate(pipeline, files.map((f) => f.text));
  const fields = datasetFields(dataset.dataset);
  return files.map((file, i): TestResult => {
    const name = file.name;
    const r = outputs[i];
    if (!r?.source || r.error) return { group, name, ok: false, detail: `simulate failed: ${r?.error?.type ?? ''} ${r?.error?.reason ?? ''}`.trim() };
    const problems: string[] = [];
    const errorMessage = valueAt(r.source, 'error', 'message');
    if (errorMessage !== undefined) problems.push(`error.message: ${stableJsonLine(errorMessage)}`);
    problems.push(...mappingProblems(r.source, fields));
    if (record) {
      recorded.push({ path: file.expectedPath, text: stableJson(r.source) });
      return { group, name, ok: problems.length === 0, detail: problems.length ? problems.join('; ') : `recorded ${file.expectedName}: review it before committing` };
    }
    if (!file.expected) return { group, name, ok: false, detail: `no ${file.expectedName}: run \`npx evforge test --update-expected\` and review it` };
    problems.push(...documentDifferences(file.expected.value, r.source));
    return { group, name, ok: problems.length === 0, detail: problems.length ? problems.join('; ') : `= ${file.expectedName}; ${leaves(r.source).length} values fit the mapping` };
  });
}

/**
 * Positives and negatives indexed through the pipeline into a throw-away data stream of the same
 * template; each compiled query must return exactly the positives.
 */
async function ruleTests(cluster: TestCluster, e: DefinitionExamples, scratchNamespace: () => string): Promise<TestResult[]> {
  const out: TestResult[] = [];
  for (const { rule, examples: docs } of e.rules) {
    const group = `rule ${rule.title}`;
    const stream = objectNames(e.definition.dataset).dataStream(scratchNamespace());
    try {
      const failed: string[] = [];
      // Explicit ids make the request safe to retry: a repeat meets its own documents (409).
      await cluster.bulk({
        index: stream,
        documents: docs.map((d) => ({ id: d.id, text: d.text })),
        refresh: true,
        onDrop: (d) => {
          if (d.status !== 409) failed.push(`${d.id}: ${d.reason || d.status}`);
        },
      });
      if (failed.length) {
        out.push({ group, name: 'index test events', ok: false, detail: failed.join('; ') });
        continue;
      }
      const queries = buildQueries(e.definition, rule);
      const positives = docs.filter((d) => d.positive).map((d) => d.id).sort();
      const hits: [dialect: string, ids: readonly string[]][] = [];
      if (queries.dsl) hits.push(['dsl', (await cluster.search(stream, queries.dsl)).ids]);
      if (queries.lucene) hits.push(['lucene', (await cluster.search(stream, { query_string: { query: queries.lucene } })).ids]);
      for (const d of docs) {
        const verdicts = hits.map(([dialect, ids]) => [dialect, ids.includes(d.id) === d.positive] as const);
        out.push({
          group,
          name: `${d.positive ? '+' : '-'} ${d.name}`,
          ok: verdicts.every(([, v]) => v),
          detail: `${d.positive ? 'must match' : 'must not match'}: ${verdicts.map(([dialect, v]) => `${dialect} ${v ? '✔' : '✖'}`).join(' ')}`,
        });
      }
      for (const [dialect, ids] of hits) {
        if (ids.join(',') !== positives.join(',')) out.push({ group, name: `${dialect} returns exactly the positives`, ok: false, detail: `returned [${ids.join(', ')}], expected [${positives.join(', ')}]` });
      }
    } finally {
      await cluster.deleteDataStream(stream);
    }
  }
  return out;
}
