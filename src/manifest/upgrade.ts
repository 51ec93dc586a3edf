import { objectNames } from '../generate/naming.ts';
import type { ChangeV1, HistoryEntryV1 } from './v1.ts';
import type { ManifestV1 } from './v1.ts';
import type { ChangeV2, ManifestV2 } from './v2.ts';
import type { HistoryEntry, ManifestChange, ManifestV3 } from './v3.ts';

/**
 * Upgrades, one per version step: each takes a manifest its version's schema accepted and returns
 * the next version's, pure (the input is not changed, nothing is read). read.ts runs them in turn
 * up to the current version; a new version adds its schema and one step here.
 */

/** Entries of an object mapped by value, keys kept (own keys, even `__proto__`). */
function mapValues<A, B>(o: Readonly<Record<string, A>>, f: (a: A, key: string) => B): Record<string, B> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v, k)]));
}

const copyChange = (c: ChangeV1): ChangeV1 => ({ ...c });
const copyEntry = (h: HistoryEntryV1): HistoryEntryV1 => ({ ...h, ...(h.changes ? { changes: h.changes.map(copyChange) } : {}) });

/**
 * Version 1 → 2: each definition's entry becomes a data stream of one, under the dataset its
 * definition has now (`datasetOf`, from the definitions being generated), else under its own name
 * (what its folder was called); its files are owned by it alone. A definition without history gets
 * its initial version.
 */
export function upgradeV1ToV2(m: ManifestV1, datasetOf: (event: string) => string | undefined = () => undefined): ManifestV2 {
  const out: ManifestV2 = { generated_by: 'evforge', manifest_version: 2, bundles: {}, events: {} };
  for (const [name, e] of Object.entries(m.events)) {
    const dataset = datasetOf(name) ?? name;
    const before = out.bundles[dataset];
    const files = (e.files ?? []).map((f) => ({ ...f, events: [name] }));
    out.bundles[dataset] = {
      data_stream: objectNames(dataset).indexPattern,
      events: [...(before?.events ?? []), name].sort(),
      files: [...(before?.files ?? []), ...files],
      history: [],
    };
    const history = e.history ?? [];
    out.events[name] = {
      definition: e.definition,
      dataset,
      schema_version: e.schema_version,
      definition_hash: e.definition_hash,
      history: history.length ? history.map(copyEntry) : [{ version: e.schema_version, initial: true, changes: [] }],
    };
  }
  return out;
}

const changeV3 = ({ target, ...c }: ChangeV2): ManifestChange => ({ ...c, engine: target });

const entryV3 = (h: HistoryEntryV1): HistoryEntry => ({ version: h.version, ...(h.initial ? { initial: true } : {}), changes: (h.changes ?? []).map(changeV3) });

/**
 * Version 2 → 3: the same content in the codebase's words. `target` → `engine` (files and
 * changes), `bundles` → `datasets`, a dataset's `events` → `members`, a file's `events` →
 * `owners`, a membership change's `events` → `members`. A list version 2 could lack is written
 * empty, and a definition's empty history holds its initial version.
 */
export function upgradeV2ToV3(m: ManifestV2): ManifestV3 {
  return {
    generated_by: 'evforge',
    manifest_version: 3,
    datasets: mapValues(m.bundles, (b) => ({
      data_stream: b.data_stream,
      members: [...b.events],
      files: b.files.map(({ target, events, ...f }) => ({ ...f, engine: target, owners: [...events] })),
      history: (b.history ?? []).map((h) => ({ members: { ...h.events }, added: [...h.added], removed: [...h.removed], changes: h.changes.map(changeV3) })),
    })),
    events: mapValues(m.events, (e) => ({
      definition: e.definition,
      dataset: e.dataset,
      schema_version: e.schema_version,
      definition_hash: e.definition_hash,
      history: e.history?.length ? e.history.map(entryV3) : [{ version: e.schema_version, initial: true, changes: [] }],
    })),
  };
}
