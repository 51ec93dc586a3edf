import type { EventDefinitionInput } from '../definition/types.ts';
import { checkDefinition } from '../definition/validate.ts';
import { ImportProblem, ValidationError, type Issue } from '../errors.ts';
import { buildDefinition, type BuiltDefinition } from './build.ts';
import { definitionFile } from './emit.ts';
import { EVENTS_NS, readManifest } from './manifest.ts';
import { loadTypeScript, mergeDefinition, parseExisting, valueOf, type DefinitionChange, type ExistingDefinition, type Ts } from './merge.ts';
import type { EventDescription, ProviderDescription, SourceFormat } from './provider.ts';
import { unionOfVersions } from './versions.ts';
import { readWepExplorer } from './wepexplorer.ts';
import { FORMATS_HINT, decodeText, parseXml, type XmlElement } from './xml.ts';

/**
 * `evforge import`, pure: provider descriptions (bytes) and the definition files already in the
 * output folder (text) in, definition files and what changed out. Reading and writing files is
 * the caller's (src/api/import.ts).
 */

/** The formats evforge reads, each recognized by its root element. One registry: a new format is one row. */
export const SOURCE_FORMATS = {
  manifest: { label: 'an instrumentation manifest', read: readManifest },
  wepexplorer: { label: 'a WEPExplorer dump', read: readWepExplorer },
} as const satisfies Record<string, SourceFormat>;
export type SourceFormatName = keyof typeof SOURCE_FORMATS;

function formatOf(root: XmlElement): SourceFormatName | undefined {
  if (root.name === 'instrumentationManifest' && root.uri === EVENTS_NS) return 'manifest';
  if (root.name === 'Providers' && root.uri === '') return 'wepexplorer';
  return undefined;
}

export interface ImportSource {
  /** How messages and doc comments name it (relative to the working folder). */
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface ExistingFile {
  /** Relative to the output folder, `/`-separated. */
  readonly path: string;
  readonly text: string;
}

export interface ImportOptions {
  /** The dataset of every definition; default `windows.<channel>` per channel. */
  readonly dataset?: string;
  /** Event ids to import; default all. */
  readonly events?: readonly number[] | 'all';
  /** The channel of events the source gives none (ETW-only events are skipped without it). */
  readonly channel?: string;
  /** How errors and notes name the output folder (`mappings`-style display path). */
  readonly outLabel?: string;
}

export interface ImportedDefinition {
  /** Relative to the output folder. */
  readonly path: string;
  readonly name: string;
  readonly provider: string;
  readonly eventId: number;
  readonly versions: readonly number[];
  readonly status: 'added' | 'updated' | 'unchanged';
  readonly schemaVersion: { readonly from?: string; readonly to: string };
  readonly changes: readonly DefinitionChange[];
  /** The definition as written, when its file is plain data (always for an added one). */
  readonly definition?: EventDefinitionInput;
}

export interface ImportPlan {
  /** Files to write, relative to the output folder → text (unchanged files left out). */
  readonly files: ReadonlyMap<string, string>;
  readonly definitions: readonly ImportedDefinition[];
  /** What was skipped or assumed, one sentence each. */
  readonly notes: readonly string[];
  /** Each source file and its format's label. */
  readonly sources: readonly { readonly path: string; readonly format: string; readonly providers: readonly string[] }[];
}

interface Described {
  readonly provider: ProviderDescription;
  readonly event: EventDescription;
  readonly sourcePath: string;
  readonly format: string;
}

/** Reads every source, refusing bad input with one located problem each (all files are read first). */
function readSources(sources: readonly ImportSource[], issues: Issue[]): { described: Described[]; read: ImportPlan['sources'] } {
  const described: Described[] = [];
  const read: { path: string; format: string; providers: string[] }[] = [];
  for (const s of sources) {
    try {
      const text = decodeText(s.bytes);
      if (!/^\s*</.test(text)) {
        throw new ImportProblem({ code: 'E_IMPORT_NOT_XML', path: `${s.path}:1`, message: `${s.path} is not XML (it starts with ${JSON.stringify(text.trimStart().slice(0, 20))})`, hint: 'give an instrumentation manifest (.man, <instrumentationManifest>) or a WEPExplorer dump (<Providers>)' });
      }
      const root = parseXml(text, s.path);
      const name = formatOf(root);
      if (!name) {
        throw new ImportProblem({
          code: 'E_IMPORT_FORMAT',
          path: `${s.path}:${root.line}`,
          message: `${s.path} is <${root.name}${root.uri ? ` xmlns="${root.uri}"` : ''}>, not a provider description evforge reads`,
          hint: FORMATS_HINT,
        });
      }
      const format = SOURCE_FORMATS[name];
      const providers = format.read(root, s.path);
      read.push({ path: s.path, format: format.label, providers: providers.map((p) => p.name) });
      for (const provider of providers) for (const event of provider.events) described.push({ provider, event, sourcePath: s.path, format: format.label });
    } catch (err) {
      if (err instanceof ImportProblem) issues.push(err.issue);
      else throw err;
    }
  }
  return { described, read };
}

const providerKey = (name: string) => name.toLowerCase();

/**
 * Plans the import: one definition per provider + event id, merged into the file that already
 * defines it (found by provider and event id, whatever its name) or written new as `<name>.ts`.
 * Throws a ValidationError listing every problem, located; nothing is planned then.
 */
export async function planImport(sources: readonly ImportSource[], existingFiles: readonly ExistingFile[], options: ImportOptions = {}): Promise<ImportPlan> {
  const issues: Issue[] = [];
  const notes: string[] = [];
  const out = options.outLabel ?? '.';
  const { described, read } = readSources(sources, issues);
  if (issues.length) throw new ValidationError(issues);

  const wanted = options.events === undefined || options.events === 'all' ? undefined : new Set(options.events);
  // The same id × version twice (in one file, or in two files) is ambiguous.
  const seen = new Map<string, Described>();
  for (const d of described) {
    if (wanted && !wanted.has(d.event.id)) continue;
    const key = `${providerKey(d.provider.name)}|${d.event.id}|${d.event.version}`;
    const first = seen.get(key);
    if (first) {
      issues.push({ code: 'E_IMPORT_DUPLICATE', path: d.event.at, message: `event ${d.event.id} version ${d.event.version} of ${d.provider.name} is described twice (first at ${first.event.at})`, hint: 'import one description of a provider at a time; to update definitions from a newer build, import its file alone over them' });
    } else seen.set(key, d);
  }
  if (wanted) {
    for (const id of wanted) {
      if (!described.some((d) => d.event.id === id)) {
        const what = read.map((r) => `${r.path} (${r.providers.join(', ') || 'no provider'})`).join(', ');
        issues.push({ code: 'E_IMPORT_NO_EVENT', path: read.map((r) => r.path).join(', '), message: `--events names event ${id}, which ${what} ${read.length === 1 ? 'does' : 'do'} not describe`, hint: `give the description of the provider that writes event ${id}, or leave it out of --events` });
      }
    }
  }
  if (issues.length) throw new ValidationError(issues);

  // One group per provider + id, versions together.
  const groups = new Map<string, Described[]>();
  for (const d of described) {
    if (wanted && !wanted.has(d.event.id)) continue;
    const key = `${providerKey(d.provider.name)}|${d.event.id}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }

  // Files already in the output folder, by provider + event id.
  let ts: Ts | undefined;
  const existing = new Map<string, ExistingDefinition>();
  const byPath = new Map<string, ExistingDefinition>();
  if (existingFiles.length) {
    ts = await loadTypeScript();
    for (const f of existingFiles) {
      const parsed = parseExisting(ts, f.path, f.text);
      if (!parsed) continue;
      byPath.set(f.path, parsed);
      if (parsed.provider === undefined || parsed.eventId === undefined) continue;
      const key = `${providerKey(parsed.provider)}|${parsed.eventId}`;
      const other = existing.get(key);
      if (other) {
        issues.push({ code: 'E_IMPORT_AMBIGUOUS', path: `${out}/${f.path}`, message: `${out}/${f.path} and ${out}/${other.path} both define event ${parsed.eventId} of ${parsed.provider}`, hint: 'keep one definition per provider and event id in the output folder' });
      } else existing.set(key, parsed);
    }
  }

  const files = new Map<string, string>();
  const definitions: ImportedDefinition[] = [];
  const skipped: string[] = [];
  const ordered = [...groups.values()].sort((a, b) => {
    const [x] = a;
    const [y] = b;
    return !x || !y ? 0 : x.provider.name.localeCompare(y.provider.name) || x.event.id - y.event.id;
  });
  for (const group of ordered) {
    const [head] = group;
    if (!head) continue;
    try {
      const union = unionOfVersions(group.map((g) => g.event));
      const provider = head.provider;
      const key = `${providerKey(provider.name)}|${union.newest.id}`;
      const found = existing.get(key);
      const oldChannel = found && ts ? channelOf(ts, found) : undefined;
      const channel = union.newest.channel ?? options.channel ?? oldChannel;
      if (channel === undefined) {
        skipped.push(`${union.newest.id}`);
        continue;
      }
      const built = buildDefinition(union, {
        ...(options.dataset !== undefined ? { dataset: options.dataset } : {}),
        channel,
        channelFromOption: union.newest.channel === undefined,
        provider: { name: provider.name, guid: provider.guid },
      });
      const base = { name: built.definition.name, provider: provider.name, eventId: union.newest.id, versions: union.versions };
      if (found && ts) {
        const merged = mergeDefinition(ts, found, built);
        const definition = validateMerged(ts, found.path, merged.text, out, union.newest.at, issues);
        const changed = merged.text !== found.text;
        if (changed) files.set(found.path, merged.text);
        definitions.push({ ...base, name: found.name ?? base.name, path: found.path, status: changed ? 'updated' : 'unchanged', schemaVersion: merged.schemaVersion, changes: merged.changes, ...(definition ? { definition } : {}) });
        continue;
      }
      const path = `${built.definition.name}.ts`;
      const clash = byPath.get(path);
      if (clash || files.has(path)) {
        issues.push({ code: 'E_IMPORT_CLASH', path: `${out}/${path}`, message: `${out}/${path} exists and defines ${clash?.provider ?? 'another event'} ${clash?.eventId ?? ''}, not event ${union.newest.id} of ${provider.name}`.replace(/ +,/g, ','), hint: 'import into another folder (--out), or rename the existing file' });
        continue;
      }
      const checked = checkDefinition(built.definition);
      if (!checked.ok) {
        for (const i of checked.issues) issues.push({ ...i, path: `${union.newest.at} (event ${union.newest.id} → ${i.path})` });
        continue;
      }
      files.set(path, definitionFile(built.definition, about(built, head, union.versions)));
      definitions.push({ ...base, path, status: 'added', schemaVersion: { to: built.definition.schemaVersion }, changes: [], definition: checked.definition });
    } catch (err) {
      if (err instanceof ImportProblem) issues.push(err.issue);
      else throw err;
    }
  }
  if (issues.length) throw new ValidationError(issues);
  if (skipped.length) {
    const ids = skipped.length > 12 ? `${skipped.slice(0, 12).join(', ')}, … (${skipped.length} in all)` : skipped.join(', ');
    notes.push(`skipped ${skipped.length} event${skipped.length === 1 ? '' : 's'} without a channel (ETW-only, logged to no event log): ${ids}; pass --channel NAME to import ${skipped.length === 1 ? 'it' : 'them'} into that channel`);
  }
  return { files, definitions, notes, sources: read };
}

/** The doc comment of a new file: where it comes from, and what in it is not Windows' own. */
function about(built: BuiltDefinition, d: Described, versions: readonly number[]): string[] {
  const v = versions.length > 1 ? `versions ${versions.join(', ')}` : `version ${versions[0] ?? 0}`;
  // The file's name only: the same import writes the same bytes wherever the source lies.
  const file = d.sourcePath.split(/[\\/]/).at(-1) ?? d.sourcePath;
  const lines = [`${d.provider.name} event ${d.event.id} (${v}), imported by \`evforge import\` from`, `${file}, ${d.format}.`];
  if (built.channelFromOption) lines.push('The source names no channel for it: `channel` is the one --channel gave.');
  if (built.messageIsEvforges) lines.push("The source carries no message string: `message` lists the fields (evforge's text, not Windows').");
  return lines;
}

function channelOf(ts: Ts, found: ExistingDefinition): string | undefined {
  const v = valueOf(ts, found.path, found.text);
  const c = typeof v === 'object' && v !== null && 'channel' in v ? v.channel : undefined;
  return typeof c === 'string' ? c : undefined;
}

/** A merged file that is plain data is validated before anything is written; one with code is left to `evforge generate`. */
function validateMerged(ts: Ts, path: string, text: string, out: string, at: string, issues: Issue[]): EventDefinitionInput | undefined {
  const value = valueOf(ts, path, text);
  if (value === undefined) return undefined;
  const checked = checkDefinition(value);
  if (checked.ok) return checked.definition;
  for (const i of checked.issues) issues.push({ ...i, path: `${out}/${path}: ${i.path} (merged from ${at})` });
  return undefined;
}
