import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest } from '../../../src/manifest/read.ts';
import { upgradeV1ToV2, upgradeV2ToV3 } from '../../../src/manifest/upgrade.ts';
import type { ManifestV1 } from '../../../src/manifest/v1.ts';
import type { ManifestV2 } from '../../../src/manifest/v2.ts';
import { ROOT } from '../../helpers.ts';
import { inV2Words } from '../../support/manifest-words.ts';

/** The real manifests of each older version, read through their own schema (what the upgrades accept). */
function fixture<V extends 1 | 2>(version: V): V extends 1 ? ManifestV1 : ManifestV2 {
  const text = readFileSync(join(ROOT, `test/fixtures/mappings-v${version}/manifest.json`), 'utf8');
  return JSON.parse(text);
}

/** Every key anywhere in a JSON value. */
function keysIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysIn(v, out);
    }
  }
  return out;
}

describe('manifest upgrades', () => {
  it('version 2 → 3 on the real version-2 manifest: valid version 3, the same content in version 3 words, nothing lost', () => {
    const v2 = fixture(2);
    const v3 = upgradeV2ToV3(v2);
    const read = readManifest(v3);
    assert.ok(read.ok && read.version === 3, `the upgrade is a valid version-3 manifest: ${JSON.stringify(read.ok ? '' : read.issues.slice(0, 3))}`);
    for (const stale of ['target', 'bundles']) assert.ok(!keysIn(v3).has(stale), `no "${stale}" left`);
    const files = Object.values(v3.datasets).flatMap((d) => d.files);
    assert.ok(files.length > 30 && files.every((f) => ['elasticsearch', 'opensearch', 'any'].includes(f.engine) && f.owners.length > 0));
    assert.deepEqual(inV2Words(v3), v2, 'renamed back, it is the version-2 manifest, entry for entry');
  });

  it('version 2 → 3 is pure: the input is unchanged, and the output shares nothing with it', () => {
    const v2 = fixture(2);
    const before = structuredClone(v2);
    const v3 = upgradeV2ToV3(v2);
    assert.deepEqual(v2, before);
    v3.datasets['windows.ntlm']!.files[0]!.owners.push('someone');
    v3.events['ntlm-8002']!.history[0]!.changes.pop();
    v3.datasets['windows.ntlm']!.history[0]!.added.push('x');
    assert.deepEqual(v2, before, 'changing the upgrade changes nothing of its input');
  });

  it('version 2 → 3 fills what an older version-2 manifest lacked: empty histories, and a definition\'s initial version', () => {
    const v2 = fixture(2);
    delete v2.bundles['windows.ntlm']!.history;
    delete v2.events['ntlm-8002']!.history;
    delete v2.events['ntlm-8001']!.history![0]!.changes;
    const v3 = upgradeV2ToV3(v2);
    assert.deepEqual(v3.datasets['windows.ntlm']!.history, []);
    assert.deepEqual(v3.events['ntlm-8002']!.history, [{ version: v2.events['ntlm-8002']!.schema_version, initial: true, changes: [] }]);
    assert.deepEqual(v3.events['ntlm-8001']!.history[0]!.changes, []);
    assert.ok(readManifest(v3).ok, 'and the result is valid version 3');
  });

  it('version 1 → 2 on the real version-1 manifest: a data stream of one under the dataset its definition has now, its files owned by it', () => {
    const v1 = fixture(1);
    const before = structuredClone(v1);
    const v2 = upgradeV1ToV2(v1, (e) => (e === 'ntlm-8002' ? 'windows.ntlm' : undefined));
    assert.deepEqual(v1, before, 'the input is unchanged');
    assert.deepEqual(Object.keys(v2.bundles), ['windows.ntlm']);
    const bundle = v2.bundles['windows.ntlm']!;
    assert.deepEqual([bundle.data_stream, bundle.events, bundle.history], ['logs-windows.ntlm-*', ['ntlm-8002'], []]);
    assert.deepEqual(
      bundle.files.map(({ events, ...f }) => [events, f]),
      v1.events['ntlm-8002']!.files!.map((f) => [['ntlm-8002'], f]),
    );
    const { files: _files, ...event } = v1.events['ntlm-8002']!;
    assert.deepEqual(v2.events['ntlm-8002'], { ...event, dataset: 'windows.ntlm' });
    const read = readManifest(v2);
    assert.ok(read.ok && read.version === 2, 'the upgrade is a valid version-2 manifest');
  });

  it('version 1 → 2 keeps a definition under its own name when no definition says its dataset, and gives it its initial version', () => {
    const v1 = fixture(1);
    delete v1.events['ntlm-8002']!.history;
    const v2 = upgradeV1ToV2(v1);
    assert.deepEqual(Object.keys(v2.bundles), ['ntlm-8002']);
    assert.equal(v2.bundles['ntlm-8002']!.data_stream, 'logs-ntlm-8002-*');
    assert.deepEqual(v2.events['ntlm-8002']!.history, [{ version: '1.2.0', initial: true, changes: [] }]);
  });

  it('reading a version-1 manifest runs both steps: the same as upgrading it by hand, step by step', () => {
    const datasetOf = (e: string) => (e === 'ntlm-8002' ? 'windows.ntlm' : undefined);
    const read = readManifest(fixture(1), { datasetOf });
    assert.ok(read.ok);
    assert.deepEqual(read.manifest, upgradeV2ToV3(upgradeV1ToV2(fixture(1), datasetOf)));
    assert.deepEqual(read.manifest.datasets['windows.ntlm']!.files.map((f) => f.engine), fixture(1).events['ntlm-8002']!.files!.map((f) => f.target));
  });
});
