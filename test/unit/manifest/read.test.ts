import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest, readManifestText, type ManifestReading } from '../../../src/manifest/read.ts';
import { ROOT } from '../../helpers.ts';

const json = (path: string): unknown => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
/** A deep copy to break by hand, typed loosely as parsed JSON is. */
const editable = (value: unknown): any => structuredClone(value);

const issuesOf = (r: ManifestReading) => {
  assert.ok(!r.ok, 'the manifest was read, but should not have been');
  return r.issues;
};

describe('readManifest', () => {
  const committed = json('mappings/manifest.json');
  const v2 = json('test/fixtures/mappings-v2/manifest.json');
  const v1 = json('test/fixtures/mappings-v1/manifest.json');

  it('reads the committed manifest (version 3) back exactly as written', () => {
    const r = readManifest(committed);
    assert.ok(r.ok);
    assert.equal(r.version, 3);
    assert.deepEqual(r.manifest, committed);
  });

  it('reads a real version-2 and a real version-1 manifest, each validated and upgraded to version 3', () => {
    const two = readManifest(v2);
    assert.ok(two.ok, JSON.stringify(two));
    assert.deepEqual([two.version, two.manifest.manifest_version], [2, 3]);
    const one = readManifest(v1, { datasetOf: () => 'windows.ntlm' });
    assert.ok(one.ok, JSON.stringify(one));
    assert.deepEqual([one.version, one.manifest.manifest_version, Object.keys(one.manifest.datasets)], [1, 3, ['windows.ntlm']]);
  });

  it('validates an older manifest against its own version: a version-3 key in a version-2 manifest is refused, named with its version', () => {
    const m = editable(v2);
    m.bundles['windows.ntlm'].files[0].engine = 'any';
    const issues = issuesOf(readManifest(m, { label: 'mappings/manifest.json' }));
    assert.deepEqual(
      issues.map((i) => [i.code, i.path, i.message]),
      [['E_MANIFEST_INVALID', 'mappings/manifest.json: bundles["windows.ntlm"].files[0].engine', 'is not a key of a version-2 manifest (its keys here: path, kind, target, name, events, sha256)']],
    );
  });

  const broken: [string, unknown, (m: ReturnType<typeof editable>) => void, string, string][] = [
    ['a file of an unknown kind', committed, (m) => (m.datasets['windows.ntlm'].files[0].kind = 'stylesheet'), 'datasets["windows.ntlm"].files[0].kind', 'is "stylesheet": a version-3 manifest allows "component_template", "elastic_rule", "field_docs", "index_template", "ingest_pipeline", "queries", "security_analytics_rule", "sigma_rule"'],
    ['a file for an unknown engine', v2, (m) => (m.bundles['windows.ntlm'].files[0].target = 'solr'), 'bundles["windows.ntlm"].files[0].target', 'is "solr": a version-2 manifest allows "elasticsearch", "opensearch", "any"'],
    ['a file without its digest', committed, (m) => delete m.datasets['windows.ntlm'].files[0].sha256, 'datasets["windows.ntlm"].files[0].sha256', 'is missing: a version-3 manifest has it here'],
    ['a digest that is not one', v1, (m) => (m.events['ntlm-8002'].files[0].sha256 = 'abc'), 'events["ntlm-8002"].files[0].sha256', 'is "abc": a version-1 manifest has a sha256 digest (64 lowercase hex digits) here'],
    ['a change of an unknown severity', committed, (m) => (m.datasets['windows.ntlm'].history[0].changes[0].severity = 'major'), 'datasets["windows.ntlm"].history[0].changes[0].severity', 'is "major": a version-3 manifest allows "breaking", "compatible", "docs"'],
    ['a schema version that is not semver', committed, (m) => (m.events['ntlm-8002'].schema_version = '1.2'), 'events["ntlm-8002"].schema_version', 'is "1.2": a version-3 manifest has a version MAJOR.MINOR.PATCH (e.g. "1.0.0") here'],
    ['datasets that are a list', committed, (m) => (m.datasets = []), 'datasets', 'is a list: a version-3 manifest has an object here'],
    ['a null where a key is optional', committed, (m) => (m.events['ntlm-8002'].history[0].changes[0].why = null), 'events["ntlm-8002"].history[0].changes[0].why', 'is null: a version-3 manifest leaves the key out instead'],
    ['an empty version history', committed, (m) => (m.events['ntlm-8002'].history = []), 'events["ntlm-8002"].history', "is empty: a version-3 manifest holds at least 1 entry here (a definition's initial version)"],
  ];
  for (const [what, base, breakIt, path, message] of broken) {
    it(`refuses a manifest with ${what}, located, in words, with the fix`, () => {
      const m = editable(base);
      breakIt(m);
      const issues = issuesOf(readManifest(m, { label: 'mappings/manifest.json' }));
      assert.deepEqual(issues.map((i) => [i.path, i.message]), [[`mappings/manifest.json: ${path}`, message]]);
      assert.match(issues[0]!.hint ?? '', /restore the one evforge wrote \(e\.g\. `git checkout -- mappings\/manifest\.json`\), or correct what is named/);
    });
  }

  it('names the key version 3 renamed when a hand-edited manifest says version 3 but keeps an old key', () => {
    const m = editable(committed);
    const file = m.datasets['windows.ntlm'].files[0];
    file.target = file.engine;
    delete file.engine;
    const issues = issuesOf(readManifest(m));
    assert.deepEqual(
      issues.map((i) => i.message),
      ['is missing: a version-3 manifest has it here', 'is not a key of a version-3 manifest (its keys here: path, kind, engine, name, owners, sha256); version 3 calls "target" "engine"'],
    );
  });

  it('names the first 20 problems and how many more there are (a version-2 manifest labelled 3 breaks every entry)', () => {
    const issues = issuesOf(readManifest({ ...editable(v2), manifest_version: 3 }));
    assert.equal(issues.length, 21);
    assert.match(issues[20]!.message, /^and \d+ more problems \(is it a version-3 manifest\? its manifest_version says so\)$/);
  });

  it('refuses a manifest newer than this evforge: upgrade evforge, nothing read', () => {
    const r = readManifest({ ...editable(committed), manifest_version: 4, something_new: true }, { label: 'mappings/manifest.json' });
    assert.ok(!r.ok);
    assert.equal(r.reason, 'newer');
    assert.deepEqual(r.issues.map((i) => [i.code, i.path]), [['E_MANIFEST_NEWER', 'mappings/manifest.json: manifest_version']]);
    assert.match(r.issues[0]!.message, /^is 4: a newer evforge wrote it, and this one reads manifest versions 1 to 3/);
    assert.match(r.issues[0]!.hint ?? '', /upgrade evforge/);
  });

  it('refuses what is not an evforge manifest, or names no version evforge wrote', () => {
    const cases: [unknown, string, string][] = [
      [null, 'E_MANIFEST_NOT_EVFORGE', 'generated_by'],
      [[], 'E_MANIFEST_NOT_EVFORGE', 'generated_by'],
      [{ name: 'another tool' }, 'E_MANIFEST_NOT_EVFORGE', 'generated_by'],
      [{ generated_by: 'evforge' }, 'E_MANIFEST_VERSION', 'manifest_version'],
      [{ generated_by: 'evforge', manifest_version: '2' }, 'E_MANIFEST_VERSION', 'manifest_version'],
      [{ generated_by: 'evforge', manifest_version: 0 }, 'E_MANIFEST_VERSION', 'manifest_version'],
    ];
    for (const [raw, code, key] of cases) {
      const r = readManifest(raw);
      assert.ok(!r.ok && r.reason === 'invalid', JSON.stringify(raw));
      assert.deepEqual(r.issues.map((i) => [i.code, i.path]), [[code, `manifest.json: ${key}`]], JSON.stringify(raw));
    }
  });

  it('names a manifest that is not JSON', () => {
    const issues = issuesOf(readManifestText('{"generated_by": "evforge",', { label: 'mappings/manifest.json', fix: 'restore it' }));
    assert.deepEqual(issues.map((i) => [i.code, i.path, i.hint]), [['E_MANIFEST_JSON', 'mappings/manifest.json', 'restore it']]);
    assert.match(issues[0]!.message, /^is not JSON: /);
  });
});
