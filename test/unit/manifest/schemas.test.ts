import assert from 'node:assert/strict';
import { ENGINE_NAMES } from '../../../src/terms.ts';
import { EXTENSIONS } from '../../../src/generate/index.ts';
import { CHANGE_AREAS, SEVERITIES } from '../../../src/plan/classify.ts';
import { CURRENT_MANIFEST_VERSION, MANIFEST_SCHEMAS } from '../../../src/manifest/read.ts';
import { AREAS_V3, ENGINES_V3, KINDS_V3, SEVERITIES_V3 } from '../../../src/manifest/v3.ts';

const sorted = (list: readonly string[]) => [...list].sort();

describe('the manifest schemas', () => {
  it('version 3 allows exactly what the registries hold: a new kind, engine, severity or area is a new manifest version (docs/versioning.md)', () => {
    const why = 'the registry changed: add a manifest version (a schema and an upgrade step, src/manifest/) so an older evforge says "upgrade evforge" about the new value';
    assert.deepEqual(sorted(KINDS_V3), sorted(Object.keys(EXTENSIONS)), why);
    assert.deepEqual(sorted(ENGINES_V3), sorted([...ENGINE_NAMES, 'any']), why);
    assert.deepEqual(sorted(SEVERITIES_V3), sorted(SEVERITIES), why);
    assert.deepEqual(sorted(AREAS_V3), sorted(CHANGE_AREAS), why);
  });

  it('has a schema for every version up to the current one, each titled with its version', () => {
    const versions = Object.keys(MANIFEST_SCHEMAS).map(Number);
    assert.deepEqual(versions, Array.from({ length: CURRENT_MANIFEST_VERSION }, (_, i) => i + 1));
    for (const [v, schema] of Object.entries(MANIFEST_SCHEMAS)) {
      assert.equal(schema.title, `evforge manifest, version ${v}`);
      assert.deepEqual(schema.properties.manifest_version, { type: 'integer', const: Number(v) });
    }
  });
});
