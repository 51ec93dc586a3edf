import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest } from '../../../src/manifest/manifest.ts';
import { ROOT } from '../../helpers.ts';

describe('readManifest', () => {
  const committed: unknown = JSON.parse(readFileSync(join(ROOT, 'mappings/manifest.json'), 'utf8'));

  it('reads the committed manifest back exactly as written', () => {
    assert.deepEqual(readManifest(committed), committed);
  });

  it('reads history an older manifest lacks as empty', () => {
    const m = structuredClone(committed);
    const event = Object.values((m as { events: Record<string, Record<string, unknown>> }).events)[0]!;
    delete event['history'];
    assert.deepEqual(Object.values(readManifest(m)!.events)[0]!.history, []);
  });

  const broken: [string, (m: { bundles: Record<string, { files: Record<string, unknown>[]; history: { changes: Record<string, unknown>[] }[] }> }) => void][] = [
    ['a file of an unknown kind', (m) => (Object.values(m.bundles)[0]!.files[0]!['kind'] = 'stylesheet')],
    ['a file for an unknown engine', (m) => (Object.values(m.bundles)[0]!.files[0]!['target'] = 'solr')],
    ['a file without its digest', (m) => delete Object.values(m.bundles)[0]!.files[0]!['sha256']],
    ['a change of an unknown severity', (m) => (Object.values(m.bundles)[0]!.history[0]!.changes[0]!['severity'] = 'major')],
    ['bundles that are a list', (m) => Object.assign(m, { bundles: [] })],
  ];
  for (const [what, breakIt] of broken) {
    it(`is undefined for a manifest with ${what}: a generated file that does not read is rewritten`, () => {
      const m = structuredClone(committed) as Parameters<typeof breakIt>[0];
      breakIt(m);
      assert.equal(readManifest(m), undefined);
    });
  }

  it('is undefined for what is not a manifest at all', () => {
    for (const raw of [null, 'manifest', [], {}, { manifest_version: 2 }]) assert.equal(readManifest(raw), undefined, JSON.stringify(raw));
  });
});
