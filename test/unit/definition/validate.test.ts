import assert from 'node:assert/strict';
import ntlm from '../../../examples/ntlm-8002.ts';
import { loadDefinition } from '../../../src/definition/resolve.ts';
import { defineEvent } from '../../../src/definition/types.ts';
import { definitionSchema } from '../../../src/definition/schema.ts';
import { checkDefinition, validateDefinition } from '../../../src/definition/validate.ts';
import { ValidationError } from '../../../src/errors.ts';
import { INDEX_TYPES } from '../../../src/terms.ts';

type Mutable = Record<string, unknown> & { fields: Record<string, unknown>[]; detections: Record<string, unknown>[] };
const clone = (): Mutable => structuredClone(ntlm) as unknown as Mutable;

describe('validateDefinition', () => {
  it('accepts the NTLM 8002 example with no issue', () => {
    assert.deepEqual(validateDefinition(ntlm), []);
  });

  const cases: [string, (d: Mutable) => void, string, string][] = [
    ['an unknown Windows type', (d) => (d.fields[0]!['type'] = 'Uint32'), 'E_ENUM', 'fields.CallerPID.type'],
    ['a duplicate field', (d) => d.fields.push({ name: 'CallerPID', type: 'UInt32', description: 'again' }), 'E_FIELD_DUPLICATE', 'fields[6]'],
    ['an alias used by two fields', (d) => (d.fields[1]!['aliases'] = ['Calling_process_PID']), 'E_ALIAS_DUPLICATE', 'fields.ProcessName.aliases'],
    ['an alias equal to another field', (d) => (d.fields[1]!['aliases'] = ['CallerPID']), 'E_ALIAS_SHADOWS_FIELD', 'fields.ProcessName.aliases'],
    ['a string into a long ECS field', (d) => (d.fields[1]!['ecs'] = ['process.pid']), 'E_ECS_INCOMPATIBLE', 'fields.ProcessName.ecs[0]'],
    ['a 64-bit hex value into a double (into a long it converts, within a long\'s range)', (d) => (d.fields[2]!['ecs'] = [{ field: 'contoso.luid', type: 'double' }]), 'E_ECS_INCOMPATIBLE', 'fields.ClientLUID.ecs[0]'],
    ['%7 with six fields', (d) => (d['message'] = 'x %7'), 'E_PLACEHOLDER_RANGE', 'message'],
    ['an unknown field in a detection', (d) => (d.detections[0]!['detection'] = { selection: { Foo: 1 }, condition: 'selection' }), 'E_DETECTION_UNKNOWN_FIELD', 'detections.win_susp_ntlm_auth.detection.selection["Foo"]'],
    ['an invalid level', (d) => (d.detections[0]!['level'] = 'urgent'), 'E_ENUM', 'detections.win_susp_ntlm_auth.level'],
    ['an invalid status', (d) => (d.detections[0]!['status'] = 'draft'), 'E_ENUM', 'detections.win_susp_ntlm_auth.status'],
    ['a malformed ATT&CK tag', (d) => (d.detections[0]!['tags'] = ['attack.t15']), 'E_TAG_MALFORMED', 'detections.win_susp_ntlm_auth.tags[0]'],
    ['a custom target without a type', (d) => (d.fields[5]!['ecs'] = ['ntlm.mechanism']), 'E_ECS_UNKNOWN', 'fields.MechanismOID.ecs[0]'],
  ];
  for (const [name, mutate, code, path] of cases) {
    it(`rejects ${name} with ${code} at ${path}`, () => {
      const d = clone();
      mutate(d);
      const issues = validateDefinition(d);
      assert.ok(issues.length > 0, 'no issue reported');
      assert.deepEqual(
        issues.map((i) => [i.code, i.path]),
        [[code, path]],
      );
      assert.ok(issues[0]!.hint, 'the issue carries a hint');
    });
  }

  it('accepts a custom target that names its type', () => {
    const d = clone();
    d.fields[5]!['ecs'] = [{ field: 'ntlm.mechanism_oid', type: 'keyword' }];
    assert.deepEqual(validateDefinition(d), []);
  });

  it('accepts "" as a null token, hex and numeric text into long targets, and a lookup through a listed table', () => {
    const d = clone();
    d.fields[1]!['nullTokens'] = ['', '-'];
    d.fields[0]!['ecs'] = [];
    d.fields[2]!['ecs'] = ['process.pid'];
    d.fields[3]!['ecs'] = [{ field: 'source.port', derive: 'integer' }, { field: 'winlog.logon.type', lookup: 'test.names' }];
    d['tables'] = [{ name: 'test.names', entries: { a: 'A' } }];
    assert.deepEqual(validateDefinition(d), []);
  });

  it('checkDefinition hands back the input itself as the definition, or the issues', () => {
    const ok = checkDefinition(ntlm);
    assert.ok(ok.ok && ok.definition === ntlm);
    const d = clone();
    d['message'] = 'x %9';
    const bad = checkDefinition(d);
    assert.ok(!bad.ok && bad.issues.map((i) => i.code).join() === 'E_PLACEHOLDER_RANGE');
  });

  it('offers the index types of the one list (terms.ts) for a custom target', () => {
    const d = clone();
    d.fields[5]!['ecs'] = [{ field: 'ntlm.mechanism_oid', type: 'text' }];
    const [issue] = validateDefinition(d);
    assert.equal(issue?.code, 'E_ENUM');
    assert.equal(issue.hint, `use one of: ${INDEX_TYPES.join(', ')}`);
  });

  it('reports every problem at once, not only the first', () => {
    const d = clone();
    d.fields.push({ name: 'CallerPID', type: 'UInt32', description: 'again' });
    d['message'] = 'x %9';
    assert.deepEqual(validateDefinition(d).map((i) => i.code).sort(), ['E_FIELD_DUPLICATE', 'E_PLACEHOLDER_RANGE']);
  });

  it('loadDefinition throws a ValidationError that lists the issues', () => {
    const d = clone();
    d['eventId'] = -1;
    assert.throws(() => loadDefinition(d), (err: unknown) => err instanceof ValidationError && err.issues[0]!.path === 'eventId');
  });

  it('resolves to frozen data with defaults and a content hash', () => {
    const def = loadDefinition(ntlm);
    assert.ok(Object.isFrozen(def) && Object.isFrozen(def.fields[0]));
    assert.equal(def.detections[0]!.name, 'win_susp_ntlm_auth');
    assert.equal(def.fields[1]!.insert, 2);
    assert.match(def.hash, /^sha256:[0-9a-f]{64}$/);
    assert.equal(loadDefinition(structuredClone(ntlm)).hash, def.hash, 'same content, same hash');
    const changed = clone();
    changed.fields[0]!['description'] = 'changed';
    assert.notEqual(loadDefinition(changed).hash, def.hash);
  });

  it('checks detection field names at compile time', () => {
    // This block is type-checked by `npm run typecheck`; it is never run.
    const build = () =>
      defineEvent({
        ...ntlm,
        detections: [
          {
            ...ntlm.detections![0]!,
            // @ts-expect-error "ProcesName" is not a field of this event
            detection: { selection: { ProcesName: 'x' }, condition: 'selection' },
          },
        ],
      });
    assert.equal(typeof build, 'function');
  });
});

/** Every place of the schema where ajv would report one problem several times: unions (anyOf, oneOf) and if/then/else. */
function unionsOf(schema: unknown, at = ''): { at: string; kind: string; description: unknown }[] {
  if (Array.isArray(schema)) return schema.flatMap((s, i) => unionsOf(s, `${at}/${i}`));
  if (schema === null || typeof schema !== 'object') return [];
  const node = schema as Record<string, unknown>;
  const here = ['anyOf', 'oneOf', 'if'].filter((k) => k in node).map((kind) => ({ at, kind, description: node['description'] }));
  return [...here, ...Object.entries(node).flatMap(([k, v]) => unionsOf(v, `${at}/${k}`))];
}

describe('one cause per schema problem', () => {
  const unions = unionsOf(definitionSchema);
  /** A value that fits no branch, and values that fit one branch but break it: each gives exactly one issue. */
  const cases: [string, string, (d: Mutable) => void, [string, string]][] = [
    ['/properties/detections/items/properties/detection/additionalProperties', 'a selection given as text', (d) => (d.detections[0]!['detection'] = { selection: 'EventID: 8002', condition: 'selection' }), ['E_SHAPE', 'detections.win_susp_ntlm_auth.detection.selection']],
    ['/properties/detections/items/properties/detection/additionalProperties', 'a selection given as a number', (d) => (d.detections[0]!['detection'] = { selection: 8002, condition: 'selection' }), ['E_SHAPE', 'detections.win_susp_ntlm_auth.detection.selection']],
    ['/properties/detections/items/properties/detection/additionalProperties', 'an empty selection map', (d) => (d.detections[0]!['detection'] = { selection: {}, condition: 'selection' }), ['E_EMPTY', 'detections.win_susp_ntlm_auth.detection.selection']],
    ['/properties/detections/items/properties/detection/additionalProperties', 'a keyword list of two values', (d) => (d.detections[0]!['detection'] = { selection: ['a', 'b'], condition: 'selection' }), ['E_UNSUPPORTED', 'detections.win_susp_ntlm_auth.detection.selection']],
    ['/properties/detections/items/properties/detection/additionalProperties', 'Sigma timeframe', (d) => (d.detections[0]!['detection'] = { selection: { EventID: 8002 }, timeframe: '5m', condition: 'selection' }), ['E_UNSUPPORTED', 'detections.win_susp_ntlm_auth.detection.timeframe']],
    ['/properties/fields/items/properties/ecs/items', 'an ECS target given as a number', (d) => (d.fields[0]!['ecs'] = [720]), ['E_SHAPE', 'fields.CallerPID.ecs[0]']],
    ['/properties/fields/items/properties/ecs/items', 'an ECS target name that is no field path', (d) => (d.fields[0]!['ecs'] = ['Process PID']), ['E_PATTERN', 'fields.CallerPID.ecs[0]']],
    ['/properties/fields/items/properties/ecs/items', 'an ECS target object without its field', (d) => (d.fields[1]!['ecs'] = [{ derive: 'basename' }]), ['E_REQUIRED', 'fields.ProcessName.ecs[0].field']],
    ['/properties/outcome', 'an outcome given as text', (d) => (d['outcome'] = 'Status'), ['E_SHAPE', 'outcome']],
    ['/properties/outcome', 'an outcome naming neither success nor failure values', (d) => (d['outcome'] = { field: 'CallerPID' }), ['E_SHAPE', 'outcome']],
  ];

  it('every union of the schema says what it expects (a description) and none is an if/then/else', () => {
    assert.ok(unions.length >= 2, `found ${unions.length} unions: the walk reads the schema`);
    assert.deepEqual(unions.filter((u) => u.kind === 'if').map((u) => u.at), [], 'if/then/else reports both branches: use anyOf with a description');
    assert.deepEqual(unions.filter((u) => typeof u.description !== 'string').map((u) => u.at), []);
  });

  it('every union of the schema has cases below', () => {
    assert.deepEqual([...new Set(unions.map((u) => u.at))].sort(), [...new Set(cases.map(([at]) => at))].sort());
  });

  for (const [, name, mutate, expected] of cases) {
    it(`${name}: one issue, ${expected[0]} at ${expected[1]}`, () => {
      const d = clone();
      mutate(d);
      assert.deepEqual(validateDefinition(d).map((i) => [i.code, i.path]), [expected]);
    });
  }
});
