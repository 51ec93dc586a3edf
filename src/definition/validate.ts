import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Issue } from '../errors.ts';
import { isOneOf, isRecord, messageOf, textOf, valueAt } from '../guards.ts';
import { precompiledValidator } from '../precompiled.ts';
import { ConditionError, conditionRefs, parseCondition, parseSelectionKey, selectionMaps } from '../rules/sigma.ts';
import { ATTACK_TACTICS } from '../rules/attack.ts';
import { ECS_EVENT_CATEGORIES, ECS_EVENT_TYPES, ECS_FIELDS, ecsField } from './ecs.ts';
import { COMMON_FIELDS, EVENT_DATA, HEADER_FIELDS, SIGMA_HEADER_MAP, USER_DATA, dataRoot } from './header.ts';
import { PATTERNS, UNSUPPORTED_DETECTION_KEYS } from './patterns.ts';
import { definitionSchema } from './schema.ts';
import { parseMessage } from './message.ts';
import { OUTPUT_FILE_NAMES, caseTwin, portableNameProblem } from './portable-name.ts';
import { detectionName, sigmaNameProblem, type SigmaLogsource } from './sigma-name.ts';
import { WINDOWS_TYPE_SPECS, canonicalHex, type IndexType, type WindowsTypeSpec } from './windows-types.ts';
import type { Derivation, EventDefinitionInput, FieldInput, LookupTable } from './types.ts';

/** ajv's options for the definition schema; scripts/build.mjs compiles it with these into dist/. */
export const SHAPE_AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true } as const;
let shapeValidator: ValidateFunction<EventDefinitionInput> | undefined;
/** Whether the input has the shape of `EventDefinitionInput`: ajv's validator is the type guard. */
function hasDefinitionShape(input: unknown): input is EventDefinitionInput {
  // On first use, not at import: `evforge --version` and `--help` need no schema.
  shapeValidator ??= precompiledValidator<EventDefinitionInput>('definition-shape') ?? compileShape();
  return shapeValidator(input);
}
/** Compiled here only when the build's code is absent (running from src/): ajv is loaded then, not at every start. */
function compileShape(): ValidateFunction<EventDefinitionInput> {
  const { Ajv }: typeof import('ajv') = createRequire(import.meta.url)('ajv');
  return new Ajv(SHAPE_AJV_OPTIONS).compile<EventDefinitionInput>(definitionSchema);
}

/** What each name pattern means, in words a user can act on. */
const PATTERN_HINTS: Record<string, { what: string; hint: string }> = {
  [PATTERNS.fieldName]: { what: 'is not a valid field name', hint: 'use letters, digits and "_", starting with a letter or "_" (no dots, spaces or dashes)' },
  [PATTERNS.slug]: { what: 'is not a valid name', hint: 'use lowercase letters, digits and "-", e.g. "ntlm-8002"' },
  [PATTERNS.sigmaName]: { what: 'is not a SigmaHQ rule name', hint: 'use 10 to 90 lowercase letters, digits and "_" with the log source prefix, e.g. "win_susp_ntlm_auth" (SigmaHQ file name convention, checked by `sigma check`)' },
  [PATTERNS.dataset]: { what: 'is not a valid dataset', hint: 'use lowercase letters, digits, "_" and ".", no "-", e.g. "windows.ntlm"' },
  [PATTERNS.semver]: { what: 'is not a semantic version', hint: 'use MAJOR.MINOR.PATCH, e.g. "1.0.0"' },
  [PATTERNS.guid]: { what: 'is not a GUID', hint: 'use the provider GUID from the manifest, e.g. "{AC43300D-5FCC-4800-8E99-1BD3F85F0320}"' },
  [PATTERNS.uuid]: { what: 'is not a lowercase UUID', hint: 'Sigma rule ids are UUIDs, e.g. "98c3bcf1-56f2-49dc-9d8d-c66cf190238b" (generate one with `node -e "console.log(crypto.randomUUID())"`)' },
  [PATTERNS.hex64]: { what: 'is not a 64-bit hex mask', hint: 'write keywords as in the manifest, e.g. "0x8000000000000000"' },
  [PATTERNS.isoDate]: { what: 'is not a date', hint: 'use YYYY-MM-DD, e.g. "2018-06-08"' },
  [PATTERNS.xmlName]: { what: 'is not an XML element name', hint: 'give the element inside <UserData> as the event XML shows it, without prefix, e.g. "LogFileCleared"' },
  [PATTERNS.indexPath]: { what: 'is not a valid index field path', hint: 'use lowercase dotted names, e.g. "process.pid"' },
  [PATTERNS.tableName]: { what: 'is not a table name', hint: 'use lowercase words of letters, digits and "_" joined by ".", e.g. "windows.logon_types"' },
  '^https?://': { what: 'is not a URL', hint: 'give the http(s) link to the rule or rule set' },
};

/** Turns a JSON pointer into the path users read: `fields.CallerPID.type`, `detections.win_susp_ntlm_auth.level`. */
function readablePath(pointer: string, input: unknown): string {
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = input;
  let out = '';
  for (const [i, part] of parts.entries()) {
    if (Array.isArray(node) && /^\d+$/.test(part)) {
      const label = itemLabel(parts[i - 1], valueAt(node, part));
      out += label && /^[A-Za-z0-9_-]+$/.test(label) ? `.${label}` : `[${part}]`;
    } else {
      out += /^[A-Za-z0-9_@-]+$/.test(part) ? `${out ? '.' : ''}${part}` : `[${JSON.stringify(part)}]`;
    }
    node = valueAt(node, part);
  }
  return out || '(definition)';
}

/** How a path names an item of `fields` or `detections`: by its name (a detection's derived one). */
function itemLabel(list: string | undefined, item: unknown): string | undefined {
  if (!isRecord(item)) return undefined;
  const { name, title } = item;
  if (list === 'fields') return typeof name === 'string' && name ? name : undefined;
  if (list !== 'detections') return undefined;
  if (typeof name === 'string') return name;
  return typeof title === 'string' ? detectionName({ title, logsource: logsourceOf(item['logsource']) }) : undefined;
}

function logsourceOf(value: unknown): SigmaLogsource | undefined {
  if (!isRecord(value)) return undefined;
  return { product: textOf(value['product']), service: textOf(value['service']), category: textOf(value['category']) };
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = i - 1; // row[0] before this pass
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min(cur + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

export function didYouMean(value: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(value.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(value.length / 3)) ? best : undefined;
}

function list(values: readonly unknown[], max = 12): string {
  const shown = values.slice(0, max).map((v) => String(v));
  return values.length > max ? `${shown.join(', ')}, … (${values.length} in all)` : shown.join(', ');
}

const UNSUPPORTED_KEYS: Readonly<Record<string, { readonly hint: string }>> = UNSUPPORTED_DETECTION_KEYS;

/** A value as a message names it: `a string ("5m")`, `a number (5)`, `a list`, `an object`, `null`. */
function shown(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  if (typeof value === 'number' || typeof value === 'boolean') return `a ${typeof value} (${String(value)})`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Whether a schema's `type` admits the value (a schema without one admits anything). */
function typeAdmits(schema: unknown, value: unknown): boolean {
  const type = valueAt(schema, 'type');
  const types = typeof type === 'string' ? [type] : Array.isArray(type) ? type : undefined;
  if (types === undefined) return true;
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return types.some((t) => t === actual || (t === 'integer' && typeof value === 'number' && Number.isInteger(value)));
}

/**
 * One cause per problem: a union (`anyOf`, `oneOf`) that failed reports ajv's errors of every branch
 * and one of its own. When exactly one branch is of the value's type, that branch is what the user
 * meant: its errors stay (they are specific), the others go. Otherwise only the union's own error
 * stays, which says what is expected (its schema's description).
 */
export function oneCausePerUnion(errors: readonly ErrorObject[]): ErrorObject[] {
  let kept = [...errors];
  for (const u of errors) {
    if (u.keyword !== 'anyOf' && u.keyword !== 'oneOf') continue;
    const within = (e: ErrorObject, prefix: string) => e !== u && e.instancePath.startsWith(u.instancePath) && e.schemaPath.startsWith(prefix);
    const branches: unknown[] = Array.isArray(u.schema) ? u.schema : [];
    const meant = branches.flatMap((b, i) => (typeAdmits(b, u.data) ? [i] : []));
    const [only] = meant;
    if (only !== undefined && meant.length === 1) kept = kept.filter((e) => e !== u && (!within(e, `${u.schemaPath}/`) || within(e, `${u.schemaPath}/${only}/`)));
    else kept = kept.filter((e) => !within(e, `${u.schemaPath}/`));
  }
  return kept;
}

function ajvIssue(e: ErrorObject, input: unknown): Issue | undefined {
  const path = readablePath(e.instancePath, input);
  const key = e.instancePath.split('/').pop() ?? '';
  const value = valueAt(input, ...e.instancePath.split('/').slice(1));
  const description = textOf(valueAt(e.parentSchema, 'description'));
  switch (e.keyword) {
    case 'if':
      return undefined; // the branch's own error says what is wrong
    case 'anyOf':
    case 'oneOf':
      return { code: 'E_SHAPE', path, message: `expected ${description ?? 'another shape'}, got ${shown(value)}` };
    case 'not': {
      // A key refused by name (UNSUPPORTED_DETECTION_KEYS): its description says why.
      const unsupported = Object.hasOwn(UNSUPPORTED_DETECTION_KEYS, key) && /\/detection\/[^/]+$/.test(e.instancePath) ? UNSUPPORTED_KEYS[key] : undefined;
      return { code: 'E_UNSUPPORTED', path, message: description ?? `${path} is not allowed`, ...(unsupported ? { hint: unsupported.hint } : {}) };
    }
    case 'required': {
      const missing = String(e.params['missingProperty']);
      return { code: 'E_REQUIRED', path: path === '(definition)' ? missing : `${path}.${missing}`, message: `missing required key "${missing}"`, hint: `add "${missing}" (see "Writing a definition" in the README)` };
    }
    case 'additionalProperties': {
      const extra = String(e.params['additionalProperty']);
      const properties = valueAt(e.parentSchema, 'properties');
      const known = isRecord(properties) ? Object.keys(properties) : [];
      const guess = didYouMean(extra, known);
      return { code: 'E_UNKNOWN_KEY', path: path === '(definition)' ? extra : `${path}.${extra}`, message: `unknown key "${extra}"`, hint: guess ? `did you mean "${guess}"? Allowed keys: ${list(known)}` : `allowed keys: ${list(known)}` };
    }
    case 'enum': {
      const allowedValues: unknown = e.params['allowedValues'];
      const allowed = Array.isArray(allowedValues) ? allowedValues : [];
      const names: Record<string, string> = { type: 'Windows type', level: key === 'level' && /detections/.test(e.instancePath) ? 'Sigma level' : 'Windows level', status: 'Sigma status', derive: 'derivation' };
      const what = names[key] ?? key;
      const guess = typeof value === 'string' ? didYouMean(value, allowed.map(String)) : undefined;
      return { code: 'E_ENUM', path, message: `${JSON.stringify(value)} is not a valid ${what}`, hint: `${guess ? `did you mean "${guess}"? ` : ''}use one of: ${list(allowed, 25)}` };
    }
    case 'pattern': {
      const pattern = String(e.params['pattern']);
      const p = PATTERN_HINTS[pattern];
      return { code: 'E_PATTERN', path, message: `${JSON.stringify(value)} ${p?.what ?? `does not match ${pattern}`}`, ...(p ? { hint: p.hint } : {}) };
    }
    case 'type': {
      const keywordList = /^(\/detections\/\d+\/detection\/[^/]+)\/\d+$/.exec(e.instancePath);
      if (keywordList?.[1] !== undefined && !isRecord(value)) {
        // Sigma's keyword search: a list of plain values, matched anywhere in the event. One issue per selection.
        return { code: 'E_UNSUPPORTED', path: readablePath(keywordList[1], input), message: `keyword lists are not supported: selection "${readablePath(keywordList[1], input).split('.').pop() ?? ''}" lists plain values, which Sigma searches for in the whole event`, hint: `name the field the values are in, e.g. { 'ProcessName|contains': [${typeof value === 'string' ? `'${value}'` : String(value)}] }` };
      }
      if (description !== undefined) return { code: 'E_TYPE', path, message: `expected ${description}, got ${shown(value)}` };
      const required = valueAt(e.parentSchema, 'required');
      const keys = Array.isArray(required) ? required.map(String) : [];
      const expected = String(e.params['type']).split(',').join(' or ');
      return { code: 'E_TYPE', path, message: `expected ${expected}, got ${shown(value)}`, ...(expected === 'object' && keys.length ? { hint: `give an object with the keys ${keys.join(', ')}` } : {}) };
    }
    case 'minLength':
    case 'minItems':
    case 'minProperties':
      return { code: 'E_EMPTY', path, message: `${path} must not be empty` };
    case 'maxLength':
      return { code: 'E_TOO_LONG', path, message: `${path} is longer than ${String(e.params['limit'])} characters` };
    case 'minimum':
    case 'maximum':
      return { code: 'E_RANGE', path, message: `${JSON.stringify(value)} is out of range: ${e.message}` };
    case 'uniqueItems':
      return { code: 'E_DUPLICATE_ITEM', path, message: `${path} lists the same item twice`, hint: 'remove the duplicate' };
    default:
      return { code: 'E_SCHEMA', path, message: `${path} ${e.message ?? 'is invalid'}` };
  }
}

/* ──────────────────────────── semantic checks ──────────────────────────── */

/** Index fields the pipeline itself writes; a definition's ECS targets must not collide with them. */
const RESERVED_TARGETS = new Set<string>([...Object.keys(COMMON_FIELDS), ...HEADER_FIELDS.map((h) => h.target)]);

/** What a derivation produces, if not the field's own value. */
const DERIVED_TYPE: Readonly<Record<Derivation, IndexType | undefined>> = { basename: 'keyword', lowercase: 'keyword', uppercase: 'keyword', integer: 'long', copy: undefined };

function checkFields(def: EventDefinitionInput, issues: Issue[]): void {
  const names = new Map<string, number>();
  def.fields.forEach((f, i) => {
    if (names.has(f.name)) {
      issues.push({ code: 'E_FIELD_DUPLICATE', path: `fields[${i}]`, message: `field "${f.name}" is declared twice (fields[${names.get(f.name)}] and fields[${i}])`, hint: 'remove one of them, or give it its own name' });
    } else names.set(f.name, i);
  });

  const aliasOwner = new Map<string, string>();
  const targetOwner = new Map<string, string>();
  for (const f of def.fields) {
    const at = `fields.${f.name}`;
    for (const alias of f.aliases ?? []) {
      if (alias === f.name) {
        issues.push({ code: 'E_ALIAS_SELF', path: `${at}.aliases`, message: `field "${f.name}" lists its own name as an alias`, hint: `remove "${alias}" from aliases` });
      } else if (names.has(alias)) {
        issues.push({ code: 'E_ALIAS_SHADOWS_FIELD', path: `${at}.aliases`, message: `alias "${alias}" of field "${f.name}" is the name of another field`, hint: `an alias is renamed to its field by the pipeline, so it cannot also be a field: remove the alias or rename the other field` });
      } else if (aliasOwner.has(alias)) {
        const owner = aliasOwner.get(alias);
        issues.push({ code: 'E_ALIAS_DUPLICATE', path: `${at}.aliases`, message: owner === f.name ? `alias "${alias}" is listed twice for field "${f.name}"` : `alias "${alias}" is claimed by both "${owner}" and "${f.name}"`, hint: 'an old name can point to only one field: keep it on one of them' });
      } else aliasOwner.set(alias, f.name);
    }
    checkTargets(f, at, issues, targetOwner, def.tables ?? []);
    checkExamples(f, at, issues);
  }
}

/**
 * A definition's tables: each name once, and no two keys of one table that mean the same value
 * (`0xC000006D` and `0xc000006d`). Two definitions giving one name different contents is found where
 * definitions meet (definition/dataset.ts).
 */
function checkTables(def: EventDefinitionInput, issues: Issue[]): void {
  const seen = new Map<string, number>();
  (def.tables ?? []).forEach((t, i) => {
    const path = `tables[${i}]`;
    const first = seen.get(t.name);
    if (first !== undefined) {
      issues.push({ code: 'E_TABLE_DUPLICATE', path: `${path}.name`, message: `table "${t.name}" is listed twice (tables[${first}] and tables[${i}])`, hint: 'list each table once' });
      return;
    }
    seen.set(t.name, i);
    const keys = new Map<string, string>();
    for (const key of Object.keys(t.entries)) {
      const same = canonicalHex(key) ?? key;
      const other = keys.get(same);
      if (other !== undefined) {
        issues.push({ code: 'E_TABLE_KEY_DUPLICATE', path: `${path}.entries["${key}"]`, message: `keys "${other}" and "${key}" of table "${t.name}" are the same value`, hint: 'hex keys match in any case and with any leading zeros: keep one of them' });
      } else keys.set(same, key);
    }
  });
}

/** The table `taskNames` names must be one of the definition's. */
function checkTaskNames(def: EventDefinitionInput, issues: Issue[]): void {
  const name = def.taskNames;
  if (name === undefined) return;
  const names = (def.tables ?? []).map((t) => t.name);
  if (names.includes(name)) return;
  const guess = didYouMean(name, names);
  issues.push({ code: 'E_LOOKUP_TABLE', path: 'taskNames', message: `table "${name}" does not exist: the definition's tables are ${names.length ? names.map((n) => `"${n}"`).join(', ') : 'none'}`, hint: `${guess ? `did you mean "${guess}"? ` : ''}add the table to "tables" (import it from the module that defines it with defineTable)` });
}

/** `derive: 'integer'` reads decimal or hex text as a number: text types only (the numeric ones are converted by `copy`). */
function integerProblem(f: FieldInput): Omit<Issue, 'path'> | undefined {
  const spec: WindowsTypeSpec = WINDOWS_TYPE_SPECS[f.type];
  if (spec.textual && !spec.keepAsText) return undefined;
  if (spec.compatible.includes('long')) {
    return { code: 'E_DERIVE_INTEGER', message: `"integer" reads text as a number, but "${f.name}" is ${f.type}, which fills a long field as it is`, hint: 'remove derive: a copy to a long field converts the value, within its range' };
  }
  return { code: 'E_DERIVE_INTEGER', message: `"integer" reads text as a number, but "${f.name}" is ${f.type}, which is not a number`, hint: 'copy it to a keyword field instead' };
}

function checkTargets(f: FieldInput, at: string, issues: Issue[], targetOwner: Map<string, string>, tables: readonly LookupTable[]): void {
  const spec: WindowsTypeSpec = WINDOWS_TYPE_SPECS[f.type];
  (f.ecs ?? []).forEach((raw, i) => {
    const target = typeof raw === 'string' ? { field: raw } : raw;
    const path = `${at}.ecs[${i}]`;
    const known = ecsField(target.field);
    if (RESERVED_TARGETS.has(target.field) || [EVENT_DATA, USER_DATA].some((root) => target.field === root || target.field.startsWith(`${root}.`))) {
      issues.push({ code: 'E_ECS_RESERVED', path, message: `"${target.field}" is written by the pipeline itself and cannot be a target of "${f.name}"`, hint: 'choose another ECS field, or a custom field with { field, type }' });
      return;
    }
    const type = known?.type ?? target.type;
    if (type === undefined) {
      const guess = didYouMean(target.field, Object.keys(ECS_FIELDS));
      issues.push({ code: 'E_ECS_UNKNOWN', path, message: `"${target.field}" is not an ECS field evforge knows`, hint: `${guess ? `did you mean "${guess}"? ` : ''}for a custom field give its type: { field: "${target.field}", type: "keyword" }` });
      return;
    }
    if (known && target.type && target.type !== known.type) {
      issues.push({ code: 'E_ECS_TYPE_OVERRIDE', path, message: `ECS defines "${target.field}" as ${known.type}, not ${target.type}`, hint: `remove "type" from this target` });
      return;
    }
    const derive = typeof raw === 'string' ? 'copy' : (raw.derive ?? 'copy');
    const lookup = typeof raw === 'string' ? undefined : raw.lookup;
    if (lookup !== undefined) {
      if (derive !== 'copy') {
        issues.push({ code: 'E_LOOKUP_DERIVE', path, message: `a target takes a lookup or a derivation, not both ("${derive}" and lookup "${lookup}")`, hint: 'give the derivation its own target' });
        return;
      }
      if (!tables.some((t) => t.name === lookup)) {
        const names = tables.map((t) => t.name);
        const guess = didYouMean(lookup, names);
        issues.push({ code: 'E_LOOKUP_TABLE', path: `${path}.lookup`, message: `table "${lookup}" does not exist: the definition's tables are ${names.length ? names.map((n) => `"${n}"`).join(', ') : 'none'}`, hint: `${guess ? `did you mean "${guess}"? ` : ''}add the table to "tables" (import it from the module that defines it with defineTable)` });
        return;
      }
      if (type !== 'keyword') {
        issues.push({ code: 'E_LOOKUP_TYPE', path, message: `a lookup gives text, but "${target.field}" is ${type}`, hint: 'target a keyword field' });
        return;
      }
    }
    if (derive !== 'copy' && !spec.textual) {
      issues.push({ code: 'E_DERIVE_NOT_TEXT', path, message: `"${derive}" needs text, but "${f.name}" is ${f.type}`, hint: 'use derive: "copy", or derive from a string field' });
      return;
    }
    const integer = derive === 'integer' ? integerProblem(f) : undefined;
    if (integer) {
      issues.push({ path, ...integer });
      return;
    }
    const produced = lookup !== undefined ? 'keyword' : DERIVED_TYPE[derive];
    const ok = produced ? produced === type : spec.compatible.includes(type);
    if (!ok) {
      issues.push({
        code: 'E_ECS_INCOMPATIBLE',
        path,
        message: `"${f.name}" is ${f.type}${produced ? ` (${derive} gives ${produced})` : ''} but "${target.field}" is ${type}: the value cannot be stored there without loss`,
        hint: produced ? `target a ${produced} field` : `target a ${spec.compatible.join(' or ')} field${spec.textual && !spec.keepAsText && type === 'long' ? `, or read its text as a number: { field: '${target.field}', derive: 'integer' }` : ", or change the field's Windows type"}`,
      });
      return;
    }
    if (!known?.array) {
      const how = `${f.name}:${derive}:${lookup ?? ''}`;
      const owner = targetOwner.get(target.field);
      if (owner && owner !== how) {
        issues.push({ code: 'E_ECS_TARGET_TAKEN', path, message: `"${target.field}" is already filled from "${owner.split(':')[0]}"`, hint: 'one field can fill a single-valued ECS field; pick another target' });
        return;
      }
      targetOwner.set(target.field, how);
    }
  });
}

function checkExamples(f: FieldInput, at: string, issues: Issue[]): void {
  const spec: WindowsTypeSpec = WINDOWS_TYPE_SPECS[f.type];
  (f.examples ?? []).forEach((ex, i) => {
    const path = `${at}.examples[${i}]`;
    if (spec.natural === 'long' && spec.range) {
      const text = String(ex);
      const [min, max] = spec.range;
      const ok = /^-?\d+$/.test(text) && BigInt(text) >= min && BigInt(text) <= max;
      if (!ok) {
        issues.push({ code: 'E_EXAMPLE_TYPE', path, message: `example ${JSON.stringify(ex)} is not a ${f.type} (${min}…${max})`, hint: 'give an example the event really carries' });
      }
    } else if (f.type === 'Boolean' && typeof ex !== 'boolean' && ex !== 'true' && ex !== 'false') {
      issues.push({ code: 'E_EXAMPLE_TYPE', path, message: `example ${JSON.stringify(ex)} is not a Boolean`, hint: 'use true or false' });
    }
  });
}

/**
 * A definition describes every version of its event id up to `version`: a field's `since`, `until`
 * and earlier types must fall inside that range and follow each other.
 */
function checkVersions(def: EventDefinitionInput, issues: Issue[]): void {
  const newest = def.version;
  for (const f of def.fields) {
    const at = `fields.${f.name}`;
    const { since, until } = f;
    if (since !== undefined && since > newest) {
      issues.push({ code: 'E_FIELD_SINCE', path: `${at}.since`, message: `field "${f.name}" first appears in version ${since}, but the definition describes versions up to ${newest}`, hint: `set "version" to ${since} (the newest version the definition describes), or lower "since"` });
    }
    if (until !== undefined && until >= newest) {
      issues.push({ code: 'E_FIELD_UNTIL', path: `${at}.until`, message: `field "${f.name}" is said to end with version ${until}, but version ${newest} is the newest the definition describes`, hint: `"until" names the last version that carries a field Windows later dropped; remove it if version ${newest} still has the field` });
    }
    if (since !== undefined && until !== undefined && since > until) {
      issues.push({ code: 'E_FIELD_SINCE_UNTIL', path: `${at}.until`, message: `field "${f.name}" appears in version ${since} but ends with version ${until}, before it appears`, hint: 'make "until" at least "since"' });
    }
    let previous: number | undefined;
    (f.earlierTypes ?? []).forEach((e, i) => {
      const path = `${at}.earlierTypes[${i}]`;
      const next = f.earlierTypes?.[i + 1]?.type ?? f.type;
      const last = (until ?? newest) - 1;
      if (e.until > last) {
        issues.push({ code: 'E_EARLIER_TYPE_RANGE', path: `${path}.until`, message: `field "${f.name}" was ${e.type} up to version ${e.until}, but its last version with an earlier type can be ${last}`, hint: `an earlier type ends before ${until === undefined ? `version ${newest}, the newest` : `version ${until}, the field's last (its "until")`}, which has the field's own type` });
      } else if (since !== undefined && e.until < since) {
        issues.push({ code: 'E_EARLIER_TYPE_RANGE', path: `${path}.until`, message: `field "${f.name}" was ${e.type} up to version ${e.until}, before it appears (version ${since})`, hint: 'an earlier type covers versions that carry the field' });
      } else if (previous !== undefined && e.until <= previous) {
        issues.push({ code: 'E_EARLIER_TYPE_ORDER', path: `${path}.until`, message: `earlier types of "${f.name}" must be listed oldest first, each ending after the one before (${previous} then ${e.until})`, hint: 'sort them by "until", oldest first' });
      }
      if (e.type === next) {
        issues.push({ code: 'E_EARLIER_TYPE_SAME', path: `${path}.type`, message: `field "${f.name}" was ${e.type} up to version ${e.until} and is ${next} after it: that is no change of type`, hint: 'remove this entry' });
      }
      previous = e.until;
    });
  }
}

/** Whether a value can be one of a field's values, as its Windows type writes it (undefined: it can). */
function valueProblem(f: FieldInput, value: string): string | undefined {
  const spec: WindowsTypeSpec = WINDOWS_TYPE_SPECS[f.type];
  if (spec.compatible.includes('long') && spec.keepAsText) {
    return canonicalHex(value) === undefined ? `Windows writes a ${f.type} as hex text, e.g. "0x0"` : undefined;
  }
  if (spec.natural === 'long' && spec.range) {
    const [min, max] = spec.range;
    return /^-?\d+$/.test(value) && BigInt(value) >= min && BigInt(value) <= max ? undefined : `a ${f.type} is a whole number from ${min} to ${max}`;
  }
  if (f.type === 'Boolean') return value === 'true' || value === 'false' ? undefined : 'a Boolean is "true" or "false"';
  return undefined;
}

/** The outcome's field must be one of the event's, and its values ones the field can hold. */
function checkOutcome(def: EventDefinitionInput, issues: Issue[]): void {
  const outcome = def.outcome;
  if (!outcome) return;
  const field = def.fields.find((f) => f.name === outcome.field);
  if (!field) {
    const names = def.fields.map((f) => f.name);
    const guess = didYouMean(outcome.field, names);
    issues.push({ code: 'E_OUTCOME_FIELD', path: 'outcome.field', message: `outcome is read from field "${outcome.field}", which event ${def.eventId} does not have`, hint: `${guess ? `did you mean "${guess}"? ` : ''}fields: ${list(names, 30)}` });
    return;
  }
  const [key, values] = 'success' in outcome ? ['success', outcome.success] as const : ['failure', outcome.failure] as const;
  values.forEach((v, i) => {
    const problem = valueProblem(field, v);
    if (problem) issues.push({ code: 'E_OUTCOME_VALUE', path: `outcome.${key}[${i}]`, message: `${JSON.stringify(v)} is not a value of "${field.name}" (${field.type})`, hint: problem });
  });
}

function checkMessage(def: EventDefinitionInput, issues: Issue[]): void {
  const parts = parseMessage(def.message);
  const n = def.fields.length;
  for (const p of parts) {
    if (typeof p !== 'string' && (p.insert < 1 || p.insert > n)) {
      issues.push({ code: 'E_PLACEHOLDER_RANGE', path: 'message', message: `message uses %${p.insert} but the event has ${n} field${n === 1 ? '' : 's'}`, hint: `inserts are numbered %1…%${n} in the order of "fields"` });
    }
  }
}

function checkEcsEvent(def: EventDefinitionInput, issues: Issue[]): void {
  (def.ecs?.category ?? []).forEach((c, i) => {
    if (!isOneOf(ECS_EVENT_CATEGORIES, c)) issues.push({ code: 'E_ECS_CATEGORY', path: `ecs.category[${i}]`, message: `"${c}" is not an ECS event.category`, hint: `use one of: ${list(ECS_EVENT_CATEGORIES, 30)}` });
  });
  (def.ecs?.type ?? []).forEach((t, i) => {
    if (!isOneOf(ECS_EVENT_TYPES, t)) issues.push({ code: 'E_ECS_TYPE', path: `ecs.type[${i}]`, message: `"${t}" is not an ECS event.type`, hint: `use one of: ${list(ECS_EVENT_TYPES, 30)}` });
  });
}

const ATTACK_TAG = /^attack\.(t\d{4}(\.\d{3})?|g\d{4}|s\d{4}|[a-z]+(-[a-z]+)*)$/;

function checkTags(tags: readonly string[], at: string, issues: Issue[]): void {
  tags.forEach((tag, i) => {
    const path = `${at}.tags[${i}]`;
    if (!/^[a-z0-9_-]+\.[a-z0-9._-]+$/.test(tag)) {
      issues.push({ code: 'E_TAG_MALFORMED', path, message: `tag "${tag}" is not a Sigma tag`, hint: 'tags are lowercase "namespace.value", e.g. "attack.t1550.002" or "attack.lateral-movement"' });
      return;
    }
    if (!tag.startsWith('attack.')) return;
    const m = ATTACK_TAG.exec(tag);
    const value = tag.slice('attack.'.length);
    if (!m) {
      issues.push({ code: 'E_TAG_MALFORMED', path, message: `ATT&CK tag "${tag}" is malformed`, hint: 'use "attack.t1234", "attack.t1234.001", "attack.g0001", "attack.s0001" or a tactic such as "attack.lateral-movement"' });
    } else if (!/^[tgs]\d/.test(value) && !ATTACK_TACTICS.some((t) => t.slug === value)) {
      const guess = didYouMean(value.replace(/_/g, '-'), ATTACK_TACTICS.map((t) => t.slug));
      issues.push({ code: 'E_TAG_TACTIC', path, message: `"${value}" is not an ATT&CK tactic`, hint: `${guess ? `did you mean "attack.${guess}"? ` : ''}tactics: ${list(ATTACK_TACTICS.map((t) => t.slug), 20)}` });
    }
  });
}

/** Sigma field names a definition's detections may use, with the canonical field each means. */
export function sigmaFieldTable(def: Pick<EventDefinitionInput, 'fields' | 'userData'>): Map<string, string> {
  const table = new Map<string, string>();
  for (const [name, field] of Object.entries(SIGMA_HEADER_MAP)) table.set(name, field);
  const root = dataRoot(def);
  for (const f of def.fields) {
    table.set(f.name, `${root}.${f.name}`);
    for (const a of f.aliases ?? []) if (!table.has(a)) table.set(a, `${root}.${f.name}`);
  }
  return table;
}

function checkDetections(def: EventDefinitionInput, issues: Issue[]): void {
  const table = sigmaFieldTable(def);
  const known = [...table.keys()];
  const ids = new Map<string, number>();
  const slugs = new Map<string, number>();
  (def.detections ?? []).forEach((d, i) => {
    const slug = detectionName(d);
    const at = `detections.${/^[A-Za-z0-9_-]+$/.test(slug) && slug ? slug : `[${i}]`}`;
    if (ids.has(d.id)) issues.push({ code: 'E_DETECTION_DUPLICATE', path: `${at}.id`, message: `detection id "${d.id}" is used twice`, hint: 'every rule needs its own UUID' });
    ids.set(d.id, i);
    const problem = sigmaNameProblem(slug, d.logsource);
    if (d.name === undefined && problem) issues.push({ code: 'E_DETECTION_NAME', path: `${at}.title`, message: `cannot derive a SigmaHQ rule name from title "${d.title}" (got "${slug}")`, hint: `add a name to the detection and ${problem.hint}` });
    else if (problem) issues.push({ code: 'E_DETECTION_NAME', path: `${at}.name`, ...problem });
    else if (slugs.has(slug)) issues.push({ code: 'E_DETECTION_DUPLICATE', path: `${at}.name`, message: `two detections are named "${slug}"`, hint: 'give one of them another title or an explicit name' });
    slugs.set(slug, i);
    checkTags(d.tags ?? [], at, issues);

    const selections = Object.keys(d.detection).filter((k) => k !== 'condition');
    for (const sel of selections) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(sel)) {
        issues.push({ code: 'E_DETECTION_SELECTION', path: `${at}.detection.${sel}`, message: `selection name "${sel}" is not allowed`, hint: 'use letters, digits and "_" (OpenSearch Security Analytics rejects other characters)' });
      }
      for (const map of selectionMaps(d.detection[sel])) {
        for (const [key, v] of Object.entries(map)) {
          const path = `${at}.detection.${sel}["${key}"]`;
          const parsed = parseSelectionKey(key);
          if ('error' in parsed) {
            issues.push({ code: 'E_DETECTION_MODIFIER', path, message: parsed.error, hint: parsed.hint ?? 'write modifiers as "Field|contains", "Field|contains|all", "Field|re"' });
            continue;
          }
          if (!table.has(parsed.field)) {
            const guess = didYouMean(parsed.field, known);
            issues.push({ code: 'E_DETECTION_UNKNOWN_FIELD', path, message: `detection uses field "${parsed.field}", which event ${def.eventId} does not have`, hint: `${guess ? `did you mean "${guess}"? ` : ''}known fields: ${list(known, 40)}` });
            continue;
          }
          for (const item of Array.isArray(v) ? v : [v]) {
            if (item !== null && typeof item === 'object') {
              issues.push({ code: 'E_DETECTION_VALUE', path, message: `values must be strings, numbers, booleans or null, not ${Array.isArray(item) ? 'a nested list' : 'an object'}`, hint: 'list alternatives as a flat list' });
            } else if (parsed.modifiers.includes('re') && typeof item === 'string') {
              try {
                new RegExp(item);
              } catch (err) {
                issues.push({ code: 'E_DETECTION_REGEX', path, message: `invalid regular expression ${JSON.stringify(item)}: ${messageOf(err)}`, hint: 'fix the pattern; it is matched with Lucene regular expressions' });
              }
            }
          }
        }
      }
    }

    try {
      const cond = parseCondition(d.detection.condition);
      const { unknown } = conditionRefs(cond, selections);
      for (const name of unknown) {
        const guess = didYouMean(name, selections);
        issues.push({ code: 'E_DETECTION_CONDITION', path: `${at}.detection.condition`, message: `condition refers to "${name}", which is not a selection`, hint: `${guess ? `did you mean "${guess}"? ` : ''}selections: ${list(selections)}` });
      }
    } catch (err) {
      if (!(err instanceof ConditionError)) throw err;
      const message = err.unsupported ? err.message : `condition ${JSON.stringify(d.detection.condition)} cannot be parsed: ${err.message}`;
      issues.push({ code: err.code, path: `${at}.detection.condition`, message, hint: err.hint ?? 'use selection names with and, or, not, parentheses, "1 of sel*", "all of them"' });
    }

    (['positives', 'negatives'] as const).forEach((kind) => {
      (d.tests?.[kind] ?? []).forEach((ref, j) => {
        if (('file' in ref) === ('event' in ref)) {
          issues.push({ code: 'E_TEST_REF', path: `${at}.tests.${kind}[${j}]`, message: `test event "${String(ref.name)}" must have exactly one of "file" or "event"`, hint: 'point to a JSON file relative to the definition, or give the event inline' });
        }
      });
    });
  });
}

/**
 * Names that become file and folder names in mappings/ must check out on every operating system:
 * the dataset (a folder beside evforge's own files) and each rule name (files in its folder).
 */
function checkPortableNames(def: EventDefinitionInput, issues: Issue[]): void {
  const problem = portableNameProblem(def.dataset);
  if (problem) issues.push({ code: 'E_NAME_NOT_PORTABLE', path: 'dataset', message: `dataset "${def.dataset}" ${problem.reason}`, hint: problem.hint });
  const twin = caseTwin(def.dataset, OUTPUT_FILE_NAMES);
  if (twin) {
    issues.push({
      code: 'E_NAME_NOT_PORTABLE',
      path: 'dataset',
      message:
        twin === def.dataset
          ? `dataset "${def.dataset}" is the name of evforge's own file beside the data stream folders of mappings/`
          : `dataset "${def.dataset}" differs only by case from "${twin}", evforge's own file beside the data stream folders of mappings/ (one name on Windows and macOS)`,
      hint: 'choose another dataset, e.g. "windows.ntlm"',
    });
  }
  (def.detections ?? []).forEach((d, i) => {
    const name = detectionName(d);
    const p = portableNameProblem(name);
    if (p) issues.push({ code: 'E_NAME_NOT_PORTABLE', path: `detections.${/^[A-Za-z0-9_-]+$/.test(name) ? name : `[${i}]`}.name`, message: `rule name "${name}" ${p.reason}`, hint: p.hint });
  });
}

/**
 * All problems of a definition, schema first: the semantic checks assume a well-formed shape, so they
 * run only when the shape is right.
 */
export function validateDefinition(input: unknown): Issue[] {
  const checked = checkDefinition(input);
  return checked.ok ? [] : [...checked.issues];
}

/** A definition that passed every check, typed as one; or every problem found. */
export type DefinitionCheck = { readonly ok: true; readonly definition: EventDefinitionInput } | { readonly ok: false; readonly issues: readonly Issue[] };

/** Validates like `validateDefinition`, and hands back the input typed as the definition it proved to be. */
export function checkDefinition(input: unknown): DefinitionCheck {
  if (!hasDefinitionShape(input)) {
    const issues = oneCausePerUnion(shapeValidator?.errors ?? []).map((e) => ajvIssue(e, input)).filter((x): x is Issue => x !== undefined);
    return { ok: false, issues: dedupe(issues) };
  }
  const issues: Issue[] = [];
  checkText(input, '', issues);
  checkTables(input, issues);
  checkTaskNames(input, issues);
  checkFields(input, issues);
  checkOutcome(input, issues);
  checkVersions(input, issues);
  checkMessage(input, issues);
  checkEcsEvent(input, issues);
  checkDetections(input, issues);
  checkPortableNames(input, issues);
  return issues.length === 0 ? { ok: true, definition: input } : { ok: false, issues: dedupe(issues) };
}

/** A UTF-16 code unit of a surrogate pair with no partner. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Every string of a definition (values and keys) must be Unicode text: a lone surrogate is not, no
 * Windows event can carry one, and the engine cannot even store it (its cluster state refused to
 * publish a pipeline holding one). Refused where it is, naming the code unit.
 */
function checkText(value: unknown, at: string, issues: Issue[]): void {
  const bad = (text: string, where: string) => {
    const m = LONE_SURROGATE.exec(text);
    if (!m) return;
    const unit = m[0].charCodeAt(0).toString(16).toUpperCase();
    issues.push({ code: 'E_TEXT', path: where || '(definition)', message: `${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)} has an unpaired surrogate (U+${unit} at character ${m.index + 1}): it is not Unicode text`, hint: 'remove it, or write the character it was meant to be (a pair of surrogates is one character)' });
  };
  if (typeof value === 'string') bad(value, at);
  else if (Array.isArray(value)) value.forEach((v, i) => checkText(v, `${at}[${i}]`, issues));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const where = at ? `${at}.${k}` : k;
      bad(k, where);
      checkText(v, where, issues);
    }
  }
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.code}|${i.path}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
