import type { AnyArtifact } from '../generate/index.ts';
import type { Target } from '../generate/engines.ts';
import { objectNames } from '../generate/naming.ts';
import type { Bundle } from '../definition/bundle.ts';

/** Things `push` creates on a cluster (or on Kibana), in the order they must be applied. */
export const OBJECT_KINDS = ['ingest_pipeline', 'component_template', 'index_template', 'data_stream', 'elastic_rule', 'security_analytics_rule'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

export const OBJECT_LABELS: Record<ObjectKind, string> = {
  ingest_pipeline: 'ingest pipeline',
  component_template: 'component template',
  index_template: 'index template',
  data_stream: 'data stream',
  elastic_rule: 'Kibana rule',
  security_analytics_rule: 'Security Analytics rule',
};

/** One object the cluster should hold. `body` is what is sent; `source` is its file in mappings/. */
export interface DesiredObject {
  readonly kind: ObjectKind;
  readonly name: string;
  readonly body: unknown;
  /** Rendered text, for objects sent as text (Security Analytics YAML). */
  readonly text?: string;
  readonly source?: string;
  /** Definitions that produce it: its owners. */
  readonly events: readonly string[];
  /** Dataset of the bundle it belongs to. */
  readonly dataset: string;
}

export const objectKey = (o: { kind: ObjectKind; name: string }) => `${o.kind}:${o.name}`;

/**
 * The objects one engine should hold for these bundles, in dependency order: a template's pipeline
 * and components exist before it, and the data stream is created once its template is there.
 */
export function desiredObjects(
  bundles: readonly { bundle: Bundle; artifacts: readonly AnyArtifact[]; files: ReadonlyMap<string, string> }[],
  target: Target,
  options: { namespace: string; rules: { kibana: boolean; securityAnalytics: boolean } },
): DesiredObject[] {
  const out: DesiredObject[] = [];
  for (const b of bundles) {
    for (const a of b.artifacts) {
      if (a.target !== target) continue;
      const base = { name: a.name, body: a.body, source: a.path, events: a.events, dataset: a.dataset };
      switch (a.kind) {
        case 'ingest_pipeline':
        case 'component_template':
        case 'index_template':
          out.push({ kind: a.kind, ...base });
          break;
        case 'elastic_rule':
          if (options.rules.kibana) out.push({ kind: a.kind, ...base, name: a.body.rule_id });
          break;
        case 'security_analytics_rule':
          if (options.rules.securityAnalytics) out.push({ kind: a.kind, ...base, name: a.body.rule.id, text: b.files.get(a.path)! });
          break;
        default:
          break;
      }
    }
    const members = b.bundle.events.map((e) => e.name);
    out.push({ kind: 'data_stream', name: objectNames(b.bundle).dataStream(options.namespace), body: {}, events: members, dataset: b.bundle.dataset });
  }
  const order = (k: ObjectKind) => OBJECT_KINDS.indexOf(k);
  return out.map((o, i) => ({ o, i })).sort((a, b) => order(a.o.kind) - order(b.o.kind) || a.i - b.i).map(({ o }) => o);
}
