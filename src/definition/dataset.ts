import type { Issue } from '../errors.ts';
import { sha256, stableJsonLine } from '../json.ts';
import { canonicalHex } from './windows-types.ts';
import type { EventDefinition } from './model.ts';
import { caseTwin } from './portable-name.ts';

/**
 * The definitions that share a dataset: one data stream, one mapping, one pipeline. Collectors
 * (Winlogbeat, Elastic Agent) send a whole Windows channel to one place, so the unit a cluster
 * holds is the channel's dataset, not one event.
 * @see https://www.elastic.co/guide/en/fleet/current/data-streams.html
 */
export interface Dataset {
  /** ECS `data_stream.dataset`; also the dataset's folder under mappings/. */
  readonly name: string;
  /** Members, sorted by name. */
  readonly events: readonly EventDefinition[];
  /** `sha256:` over the members' names and hashes. */
  readonly hash: string;
}

/** Where a definition came from, for messages. */
export interface SourcedDefinition {
  readonly definition: EventDefinition;
  readonly source: string;
}

/** Provider names and channels are case-insensitive on Windows. */
export const eventKey = (provider: string, eventId: number | string) => `${provider.toLowerCase()}|${eventId}`;

export function makeDataset(dataset: string, events: readonly EventDefinition[]): Dataset {
  const sorted = [...events].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return Object.freeze({
    name: dataset,
    events: Object.freeze(sorted),
    hash: `sha256:${sha256(sorted.map((e) => `${e.name} ${e.hash}`).join('\n'))}`,
  });
}

/**
 * Groups definitions by dataset, refusing what one data stream cannot hold: two definitions of the
 * same name, of the same provider + event id, or whose rules would write the same file.
 * Field-type conflicts are found where the merged field list is built (generate/fields.ts).
 */
export function groupDatasets(defs: readonly SourcedDefinition[]): { datasets: Dataset[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const byName = new Map<string, string>();
  const byDataset = new Map<string, SourcedDefinition[]>();
  for (const s of defs) {
    const d = s.definition;
    const other = byName.get(d.name);
    if (other) issues.push({ code: 'E_EVENT_DUPLICATE', path: `${s.source}: name`, message: `event name "${d.name}" is also used by ${other}`, hint: 'each definition needs its own name' });
    else byName.set(d.name, s.source);
    const twin = byDataset.has(d.dataset) ? undefined : caseTwin(d.dataset, byDataset.keys());
    if (twin) {
      issues.push({ code: 'E_NAME_NOT_PORTABLE', path: `${s.source}: dataset`, message: `dataset "${d.dataset}" differs only by case from "${twin}" (${byDataset.get(twin)?.[0]?.source}): one folder of mappings/ on Windows and macOS`, hint: 'give both definitions the same dataset, or two that differ by more than case' });
      continue;
    }
    byDataset.set(d.dataset, [...(byDataset.get(d.dataset) ?? []), s]);
  }
  issues.push(...tableConflicts(defs));
  const datasets: Dataset[] = [];
  for (const [dataset, members] of [...byDataset].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const byKey = new Map<string, SourcedDefinition>();
    const byRule = new Map<string, SourcedDefinition>();
    for (const s of members) {
      const d = s.definition;
      const key = eventKey(d.provider.name, d.eventId);
      const same = byKey.get(key);
      if (same) {
        issues.push({
          code: 'E_EVENT_KEY_DUPLICATE',
          path: `${s.source}: eventId`,
          message: `${d.provider.name} event ${d.eventId} is already defined by ${same.source} (${same.definition.name}) in dataset "${dataset}"`,
          hint: 'one definition per provider and event id in a data stream: merge the two, or give one another dataset',
        });
      } else byKey.set(key, s);
      for (const r of d.detections) {
        const twin = byRule.has(r.name) ? undefined : caseTwin(r.name, byRule.keys());
        if (twin) {
          issues.push({
            code: 'E_NAME_NOT_PORTABLE',
            path: `${s.source}: detections[${d.detections.indexOf(r)}].name`,
            message: `rule name "${r.name}" differs only by case from "${twin}" (${byRule.get(twin)?.source}) in dataset "${dataset}": one file on Windows and macOS`,
            hint: 'give one of the rules another `name`',
          });
          continue;
        }
        const clash = byRule.get(r.name);
        if (clash && clash !== s) {
          issues.push({
            code: 'E_RULE_NAME_DUPLICATE',
            path: `${s.source}: detections[${d.detections.indexOf(r)}].name`,
            message: `rule file name "${r.name}" is also used by ${clash.source} (${clash.definition.name}) in dataset "${dataset}"`,
            hint: 'give one of the rules its own `name`',
          });
        } else byRule.set(r.name, s);
      }
    }
    datasets.push(makeDataset(dataset, members.map((m) => m.definition)));
  }
  return { datasets, issues };
}

/** A table's entries in one comparable form: hex keys canonical, keys sorted. */
export function tableContent(entries: Readonly<Record<string, string>>): string {
  return stableJsonLine(Object.fromEntries(Object.entries(entries).map(([k, v]) => [canonicalHex(k) ?? k, v])));
}

/**
 * One table name means one table: the pipeline holds each table once (in its params) and every
 * definition's lookups read it by name, so two definitions giving one name different contents is
 * refused, naming both (anywhere, not only in one data stream: a shared module is the way to share).
 */
function tableConflicts(defs: readonly SourcedDefinition[]): Issue[] {
  const issues: Issue[] = [];
  const first = new Map<string, { source: string; name: string; content: string }>();
  for (const s of defs) {
    (s.definition.tables ?? []).forEach((t, i) => {
      const content = tableContent(t.entries);
      const seen = first.get(t.name);
      if (!seen) first.set(t.name, { source: s.source, name: s.definition.name, content });
      else if (seen.content !== content) {
        issues.push({
          code: 'E_TABLE_CONFLICT',
          path: `${s.source}: tables[${i}]`,
          message: `table "${t.name}" of ${s.definition.name} differs from the table of that name in ${seen.source} (${seen.name})`,
          hint: 'define the table once, in a module both definitions import (defineTable), or give one of them another name',
        });
      }
    });
  }
  return issues;
}
