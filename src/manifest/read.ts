import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Issue } from '../errors.ts';
import { isRecord, messageOf, valueAt } from '../guards.ts';
import { precompiledValidator } from '../precompiled.ts';
import { upgradeV1ToV2, upgradeV2ToV3 } from './upgrade.ts';
import { MANIFEST_PATTERNS, manifestV1Schema, type ManifestV1 } from './v1.ts';
import { manifestV2Schema, type ManifestV2 } from './v2.ts';
import { manifestV3Schema, type ManifestV3 } from './v3.ts';

/**
 * Reading `manifest.json` of any version: its version is read first (one newer than this evforge
 * is refused: never read, never rewritten), the manifest is validated against its own version's
 * JSON Schema (v1.ts, v2.ts, v3.ts), then upgraded one version at a time (upgrade.ts) to the
 * current one, which is all the rest of evforge reads. The schemas are compiled at build time
 * (scripts/build.mjs) like the definition's.
 * @see docs/versioning.md
 */

/** The version evforge writes. */
export const CURRENT_MANIFEST_VERSION = 3;
export type ManifestVersion = 1 | 2 | 3;

/** Each version's schema, by version: scripts/build.mjs compiles each into dist/validators/manifest-v<n>.cjs. */
export const MANIFEST_SCHEMAS = { 1: manifestV1Schema, 2: manifestV2Schema, 3: manifestV3Schema } as const;

/** ajv's options for the manifest schemas (the build compiles them with these too). */
export const MANIFEST_AJV_OPTIONS = { allErrors: true, strict: true, verbose: true } as const;

/** ajv, only where the build's validators are absent (running from src/): loaded then, not at every start. */
let compiler: import('ajv').Ajv | undefined;
function compile<T>(schema: import('ajv').JSONSchemaType<T>): ValidateFunction<T> {
  const { Ajv }: typeof import('ajv') = createRequire(import.meta.url)('ajv');
  return (compiler ??= new Ajv(MANIFEST_AJV_OPTIONS)).compile(schema);
}

/* Each version's validator, on first use (reading a version-3 manifest loads only its own): ajv's validator is the type guard of that version. */
let v1: ValidateFunction<ManifestV1> | undefined;
let v2: ValidateFunction<ManifestV2> | undefined;
let v3: ValidateFunction<ManifestV3> | undefined;
const validatorV1 = () => (v1 ??= precompiledValidator<ManifestV1>('manifest-v1') ?? compile(manifestV1Schema));
const validatorV2 = () => (v2 ??= precompiledValidator<ManifestV2>('manifest-v2') ?? compile(manifestV2Schema));
const validatorV3 = () => (v3 ??= precompiledValidator<ManifestV3>('manifest-v3') ?? compile(manifestV3Schema));

/** A manifest read: the current version's, upgraded from the version it was written in; or why it could not be read. */
export type ManifestReading =
  | { readonly ok: true; readonly manifest: ManifestV3; readonly version: ManifestVersion }
  /** `newer`: written by a newer evforge (never rewritten); `invalid`: not JSON, not evforge's, or not valid against its version's schema. */
  | { readonly ok: false; readonly reason: 'newer' | 'invalid'; readonly version: number | undefined; readonly issues: readonly Issue[] };

export interface ReadOptions {
  /** How messages name the file, e.g. `mappings/manifest.json` or `HEAD:mappings/manifest.json`. */
  readonly label?: string;
  /** The fix each issue names for a broken manifest. */
  readonly fix?: string;
  /** For a version-1 manifest: the dataset each definition has now (upgrade.ts). */
  readonly datasetOf?: (event: string) => string | undefined;
}

/** Issues named one by one; beyond, one more says how many (a manifest of another version can break every entry). */
const NAMED_ISSUES = 20;

/** Reads a manifest's text (see readManifest). */
export function readManifestText(text: string, options: ReadOptions = {}): ManifestReading {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const label = options.label ?? 'manifest.json';
    return { ok: false, reason: 'invalid', version: undefined, issues: [{ code: 'E_MANIFEST_JSON', path: label, message: `is not JSON: ${messageOf(err)}`, hint: fixOf(options) }] };
  }
  return readManifest(raw, options);
}

/** Reads a parsed manifest of any version this evforge knows, validated against its version's schema and upgraded to the current version. */
export function readManifest(raw: unknown, options: ReadOptions = {}): ManifestReading {
  const label = options.label ?? 'manifest.json';
  const invalid = (version: number | undefined, issues: Issue[]): ManifestReading => ({ ok: false, reason: 'invalid', version, issues });
  if (!isRecord(raw) || raw['generated_by'] !== 'evforge') {
    return invalid(undefined, [{ code: 'E_MANIFEST_NOT_EVFORGE', path: `${label}: generated_by`, message: 'is not "evforge": this is not a manifest evforge wrote', hint: fixOf(options) }]);
  }
  const version = raw['manifest_version'];
  if (typeof version === 'number' && Number.isInteger(version) && version > CURRENT_MANIFEST_VERSION) {
    return {
      ok: false,
      reason: 'newer',
      version,
      issues: [
        {
          code: 'E_MANIFEST_NEWER',
          path: `${label}: manifest_version`,
          message: `is ${version}: a newer evforge wrote it, and this one reads manifest versions 1 to ${CURRENT_MANIFEST_VERSION}; nothing was read or written`,
          hint: 'upgrade evforge (`npm install --save-dev evforge@latest`) to the version your project uses',
        },
      ],
    };
  }
  const problems = (n: ManifestVersion, errors: ErrorObject[] | null | undefined) => invalid(n, issuesOf(errors ?? [], raw, n, label, fixOf(options)));
  // Validated against its own version's schema, then upgraded one version at a time.
  switch (version) {
    case 1:
      return validatorV1()(raw) ? { ok: true, version, manifest: upgradeV2ToV3(upgradeV1ToV2(raw, options.datasetOf)) } : problems(1, validatorV1().errors);
    case 2:
      return validatorV2()(raw) ? { ok: true, version, manifest: upgradeV2ToV3(raw) } : problems(2, validatorV2().errors);
    case 3:
      return validatorV3()(raw) ? { ok: true, version, manifest: raw } : problems(3, validatorV3().errors);
    default:
      return invalid(undefined, [{ code: 'E_MANIFEST_VERSION', path: `${label}: manifest_version`, message: `is ${show(version)}: evforge wrote 1, 2 or 3`, hint: fixOf(options) }]);
  }
}

function fixOf(options: ReadOptions): string {
  const label = options.label ?? 'manifest.json';
  return options.fix ?? `the manifest is generated: restore the one evforge wrote (e.g. \`git checkout -- ${label}\`), or correct what is named`;
}

/* ──────────────────────────── ajv's errors, in words ──────────────────────────── */

/** Keys version 3 renamed, for the hint when a key is not one of its keys (upgrade.ts says why). */
const RENAMED_IN_V3: Readonly<Record<string, readonly string[]>> = { target: ['engine'], bundles: ['datasets'], events: ['members', 'owners'] };

/** What each pattern means, in words. */
const PATTERN_WORDS: Readonly<Record<string, string>> = {
  [MANIFEST_PATTERNS.sha256]: 'a sha256 digest (64 lowercase hex digits)',
  [MANIFEST_PATTERNS.definitionHash]: '"sha256:" and 64 lowercase hex digits',
  [MANIFEST_PATTERNS.semver]: 'a version MAJOR.MINOR.PATCH (e.g. "1.0.0")',
};

/** JSON Schema's types, in words. */
const TYPE_WORDS: Readonly<Record<string, string>> = { object: 'an object', array: 'a list', string: 'text', integer: 'a whole number', number: 'a number', boolean: 'true or false' };

const show = (v: unknown): string => (v === undefined ? 'missing' : JSON.stringify(v));

/** What a JSON value is, for "is … must be …". */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v === 'number' ? 'the number' : typeof v === 'string' ? 'the text' : typeof v === 'boolean' ? 'the boolean' : typeof v} ${JSON.stringify(v)}`;
}

/** A JSON pointer as the path users read: `datasets["windows.ntlm"].files[3].engine`. */
function readablePath(pointer: string, raw: unknown): string {
  const parts = pointer === '' ? [] : pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node = raw;
  let out = '';
  for (const part of parts) {
    if (Array.isArray(node) && /^\d+$/.test(part)) out += `[${part}]`;
    else out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(part) ? `${out ? '.' : ''}${part}` : `[${JSON.stringify(part)}]`;
    node = valueAt(node, part);
  }
  return out;
}

const childPath = (parent: string, key: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${parent}${parent ? '.' : ''}${key}` : `${parent}[${JSON.stringify(key)}]`);

/** One issue per ajv error, located (`label: path`) and in words, each naming the version whose schema it broke. */
function issuesOf(errors: readonly ErrorObject[], raw: unknown, version: ManifestVersion, label: string, hint: string): Issue[] {
  const manifest = `a version-${version} manifest`;
  const issues = errors.map((e): Issue => {
    const at = readablePath(e.instancePath, raw);
    const issue = (path: string, message: string): Issue => ({ code: 'E_MANIFEST_INVALID', path: `${label}: ${path || '(the manifest)'}`, message, hint });
    const params: unknown = e.params;
    switch (e.keyword) {
      case 'required': {
        const key = String(valueAt(params, 'missingProperty'));
        return issue(childPath(at, key), `is missing: ${manifest} has it here`);
      }
      case 'additionalProperties': {
        const key = String(valueAt(params, 'additionalProperty'));
        const allowed = Object.keys(propertiesOf(e.parentSchema));
        const renamed = version === 3 ? RENAMED_IN_V3[key]?.find((k) => allowed.includes(k)) : undefined;
        const keys = allowed.length ? ` (its keys here: ${allowed.join(', ')})` : '';
        return issue(childPath(at, key), `is not a key of ${manifest}${keys}${renamed ? `; version 3 calls "${key}" "${renamed}"` : ''}`);
      }
      case 'enum': {
        const allowed = valueAt(params, 'allowedValues');
        return issue(at, `is ${show(e.data)}: ${manifest} allows ${Array.isArray(allowed) ? allowed.map(show).join(', ') : 'other values'}`);
      }
      case 'const':
        return issue(at, `is ${show(e.data)}: ${manifest} has ${show(valueAt(params, 'allowedValue'))} here`);
      case 'type':
        return issue(at, `is ${kindOf(e.data)}: ${manifest} has ${String(valueAt(params, 'type')).split(',').filter((t) => t !== 'null').map((t) => TYPE_WORDS[t] ?? t).join(' or ')} here`);
      case 'pattern': {
        const pattern = String(valueAt(params, 'pattern'));
        return issue(at, `is ${show(e.data)}: ${manifest} has ${PATTERN_WORDS[pattern] ?? `text matching ${pattern}`} here`);
      }
      case 'not':
        return issue(at, `is null: ${manifest} leaves the key out instead`);
      case 'minItems':
        return issue(at, `is empty: ${manifest} holds at least ${String(valueAt(params, 'limit'))} entry here (a definition's initial version)`);
      case 'minLength':
        return issue(at, `is empty: ${manifest} has a name here`);
      default:
        return issue(at, `${e.message ?? 'is not valid'} (${manifest})`);
    }
  });
  if (issues.length <= NAMED_ISSUES) return issues;
  const more = issues.length - NAMED_ISSUES;
  return [...issues.slice(0, NAMED_ISSUES), { code: 'E_MANIFEST_INVALID', path: label, message: `and ${more} more problem${more === 1 ? '' : 's'} (is it ${manifest}? its manifest_version says so)`, hint }];
}

/** The `properties` a schema object declares, for naming the keys it allows. */
function propertiesOf(schema: unknown): Record<string, unknown> {
  const properties = valueAt(schema, 'properties');
  return isRecord(properties) ? properties : {};
}
