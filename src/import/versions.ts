import type { EarlierType } from '../definition/types.ts';
import type { WindowsType } from '../definition/windows-types.ts';
import type { EventDescription } from './provider.ts';
import { ImportProblem, InternalError } from '../errors.ts';

/** A field of the union of an event id's versions. */
export interface UnionField {
  readonly name: string;
  readonly type: WindowsType;
  readonly array: boolean;
  readonly since?: number;
  readonly until?: number;
  readonly earlierTypes?: readonly EarlierType[];
}

/** Every version of one event id, as one definition describes them. */
export interface EventUnion {
  /** The newest version: its header (level, task, channel…), its message, its template's order. */
  readonly newest: EventDescription;
  /** Versions described, ascending. */
  readonly versions: readonly number[];
  readonly fields: readonly UnionField[];
}

/**
 * One definition per event id, covering all its versions. Windows does not only append data items
 * when it bumps a version (Security-Auditing on Windows 10 18990: 21 of its 38 multi-version ids
 * insert, drop, rename or retype items), so the fields are the union of the versions': the newest
 * version's items first, in its order (the newest message's `%n` are their positions), then items
 * only older versions carry, each with `until` (the last version that has it); an item added after
 * the oldest version carries `since`; a changed type keeps its older types in `earlierTypes`. A
 * field that leaves and comes back cannot be said with since/until, and is refused.
 */
export function unionOfVersions(descriptions: readonly EventDescription[]): EventUnion {
  const sorted = [...descriptions].sort((a, b) => a.version - b.version);
  const newest = sorted.at(-1);
  const oldest = sorted[0];
  if (!newest || !oldest) throw new InternalError('unionOfVersions needs at least one description');
  const versions = sorted.map((d) => d.version);
  const order: string[] = newest.fields.map((f) => f.name);
  for (const d of [...sorted].reverse()) for (const f of d.fields) if (!order.includes(f.name)) order.push(f.name);

  const fields = order.map((name): UnionField => {
    const present = sorted.flatMap((d) => {
      const f = d.fields.find((x) => x.name === name);
      return f ? [{ version: d.version, type: f.type, array: f.array, at: d.at }] : [];
    });
    const first = present[0];
    const last = present.at(-1);
    if (!first || !last) throw new InternalError(`field ${name} is in no version`);
    const from = versions.indexOf(first.version);
    const to = versions.indexOf(last.version);
    if (to - from + 1 !== present.length) {
      const missing = versions.slice(from, to + 1).filter((v) => !present.some((p) => p.version === v));
      throw new ImportProblem({
        code: 'E_IMPORT_VERSION_GAP',
        path: last.at,
        message: `event ${newest.id}: data item "${name}" is in versions ${present.map((p) => p.version).join(', ')} but not in version ${missing.join(', ')} between them; one definition cannot say that with since/until`,
        hint: `import the versions apart (--events ${newest.id} with one manifest at a time into separate folders) and merge by hand`,
      });
    }
    const earlierTypes: EarlierType[] = [];
    present.forEach((p, i) => {
      const next = present[i + 1];
      if (next && next.type !== p.type) earlierTypes.push({ type: p.type, until: p.version });
    });
    return {
      name,
      type: last.type,
      array: last.array,
      ...(first.version !== oldest.version ? { since: first.version } : {}),
      ...(last.version !== newest.version ? { until: last.version } : {}),
      ...(earlierTypes.length ? { earlierTypes } : {}),
    };
  });
  return { newest, versions, fields };
}
