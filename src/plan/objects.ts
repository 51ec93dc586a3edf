import type { AnyArtifact, Artifact, ArtifactKind } from '../generate/index.ts';
import type { Engine } from '../terms.ts';
import { objectNames } from '../generate/naming.ts';
import type { Dataset } from '../definition/dataset.ts';
import { OBJECT_KINDS, type DesiredObject, type ObjectKind } from '../terms.ts';
import { InternalError } from '../errors.ts';

type Rendered = { dataset: Dataset; artifacts: readonly AnyArtifact[]; files: ReadonlyMap<string, string> };
type Options = { namespace: string; rules: { kibana: boolean; securityAnalytics: boolean } };
type Base = Omit<DesiredObject, 'kind'>;

/** The rendered file of an artifact: every artifact of a rendered dataset has one. */
function renderedText(b: Rendered, path: string): string {
  const text = b.files.get(path);
  if (text === undefined) throw new InternalError(`desiredObjects: ${path} was not rendered`);
  return text;
}

/**
 * Which cluster object each artifact kind becomes, if any: one table, so a new artifact kind does
 * not compile until it says (no switch with a silent default).
 */
const OBJECT_OF: { [K in ArtifactKind]: (a: Artifact<K>, base: Base, b: Rendered, o: Options) => DesiredObject | undefined } = {
  ingest_pipeline: (_a, base) => ({ kind: 'ingest_pipeline', ...base }),
  component_template: (_a, base) => ({ kind: 'component_template', ...base }),
  index_template: (_a, base) => ({ kind: 'index_template', ...base }),
  elastic_rule: (a, base, _b, o) => (o.rules.kibana ? { kind: 'elastic_rule', ...base, name: a.body.rule_id } : undefined),
  security_analytics_rule: (a, base, b, o) => (o.rules.securityAnalytics ? { kind: 'security_analytics_rule', ...base, name: a.body.rule.id, text: renderedText(b, a.path) } : undefined),
  // Files only: pushed as part of the rules above, or not at all.
  sigma_rule: () => undefined,
  queries: () => undefined,
  field_docs: () => undefined,
};

function objectOf<K extends ArtifactKind>(a: Artifact<K>, b: Rendered, o: Options): DesiredObject | undefined {
  const to: (a: Artifact<K>, base: Base, b: Rendered, o: Options) => DesiredObject | undefined = OBJECT_OF[a.kind];
  return to(a, { name: a.name, body: a.body, source: a.path, events: a.events, dataset: a.dataset }, b, o);
}

/**
 * The objects one engine should hold for these datasets, in dependency order: a template's pipeline
 * and components exist before it, and the data stream is created once its template is there.
 */
export function desiredObjects(datasets: readonly Rendered[], engine: Engine, options: Options): DesiredObject[] {
  const out: DesiredObject[] = [];
  for (const b of datasets) {
    for (const a of b.artifacts) {
      if (a.engine !== engine) continue;
      const o = objectOf(a, b, options);
      if (o) out.push(o);
    }
    const members = b.dataset.events.map((e) => e.name);
    out.push({ kind: 'data_stream', name: objectNames(b.dataset.name).dataStream(options.namespace), body: {}, events: members, dataset: b.dataset.name });
  }
  const order = (k: ObjectKind) => OBJECT_KINDS.indexOf(k);
  return out.map((o, i) => ({ o, i })).sort((a, b) => order(a.o.kind) - order(b.o.kind) || a.i - b.i).map(({ o }) => o);
}
