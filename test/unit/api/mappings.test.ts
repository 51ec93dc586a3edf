import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { check, compare, generate } from '../../../src/index.ts';
import { NTLM_DEFINITIONS } from '../../helpers.ts';

const ROOT = join(import.meta.dirname, '../../..');
/** The NTLM channel, named: other examples in examples/ change nothing here. */
const definitions = NTLM_DEFINITIONS;

/** The library's generate / check / compare: what the commands print comes from these results. */
describe('library API: generate, check and compare', function () {
  this.timeout(60_000);
  let out: string;
  before(() => {
    out = join(mkdtempSync(join(tmpdir(), 'evforge-api-')), 'mappings');
  });
  after(() => rmSync(join(out, '..'), { recursive: true, force: true }));

  it('generate writes every file of the NTLM examples and returns what it wrote', async () => {
    const { state, written } = await generate({ definitions, cwd: ROOT, out });
    assert.ok(written, 'written');
    assert.equal(written.written.length, state.plan.files.size);
    assert.equal(written.unchanged, 0);
    assert.deepEqual(state.plan.datasets.map((b) => b.dataset.name), ['windows.ntlm']);
    // The same bytes as the committed mappings/ (the manifest differs: its history starts here).
    for (const p of ['windows.ntlm/opensearch/ingest_pipeline/logs-windows.ntlm.yml', 'windows.ntlm/elasticsearch/component_template/logs-windows.ntlm@mappings.json']) {
      assert.equal(readFileSync(join(out, p), 'utf8'), readFileSync(join(ROOT, 'mappings', p), 'utf8'), p);
    }
  });

  it('check is up to date after generate, and names a hand-edited file as stale', async () => {
    assert.equal((await check({ definitions, cwd: ROOT, out })).upToDate, true);
    const file = join(out, 'windows.ntlm/opensearch/index_template/logs-windows.ntlm.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"priority"', '"priority_edited"'));
    const { upToDate, state } = await check({ definitions, cwd: ROOT, out });
    assert.equal(upToDate, false);
    assert.deepEqual(state.diff.stale, ['windows.ntlm/opensearch/index_template/logs-windows.ntlm.json']);
    const again = await generate({ definitions, cwd: ROOT, out });
    assert.deepEqual(again.written?.written, ['windows.ntlm/opensearch/index_template/logs-windows.ntlm.json']);
  });

  it('compare against the generated folder finds no change; against the 8002-only v1 mappings, three events added', async () => {
    const same = await compare({ base: out, definitions, cwd: ROOT });
    assert.equal(same.changes.length, 0);
    const older = await compare({ base: join(ROOT, 'test/fixtures/mappings-v1'), definitions, cwd: ROOT });
    const added = older.changes.filter((c) => c.area === 'event' && c.summary === 'event added to the data stream').map((c) => c.path).sort();
    assert.deepEqual(added, ['ntlm-8001', 'ntlm-8003', 'ntlm-8004']);
    assert.equal(older.changes.filter((c) => c.severity === 'breaking').length, 0);
  });
});
