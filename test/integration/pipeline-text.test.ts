import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { NTLM_DEFINITIONS, ROOT, runCli } from '../helpers.ts';
import { resetCluster, sharedNode } from './node.ts';

/**
 * What reviewers read is what runs: the pipeline the cluster holds after `evforge push` is exactly
 * the committed YAML file, every script byte for byte.
 */
describe('the pushed pipeline is the committed file (real node)', function () {
  this.timeout(120_000);
  let node: string;

  before(async () => {
    node = await sharedNode();
    await resetCluster(node);
  });

  it('GET _ingest/pipeline returns the body of mappings/…/logs-windows.ntlm.yml, scripts byte for byte', async () => {
    const r = await runCli(ROOT, ['push', ...NTLM_DEFINITIONS, '--node', node]);
    assert.equal(r.code, 0, r.all);
    const committed = YAML.parse(readFileSync(join(ROOT, 'mappings/windows.ntlm/opensearch/ingest_pipeline/logs-windows.ntlm.yml'), 'utf8')) as { processors: Record<string, { source?: string }>[] };
    const held = ((await (await fetch(`${node}/_ingest/pipeline/logs-windows.ntlm`)).json()) as Record<string, unknown>)['logs-windows.ntlm'];
    assert.deepEqual(held, committed);
    const script = (p: { processors: Record<string, { source?: string }>[] }) => p.processors.map((x) => x['script']?.source).find(Boolean)!;
    assert.ok(script(committed).split('\n').length > 100, 'the script is many lines in the file');
    assert.equal(script(held as typeof committed), script(committed));
  });
});
