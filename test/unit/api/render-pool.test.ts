import assert from 'node:assert/strict';
import adversarial from '../../fixtures/valid/adversarial.ts';
import kitchenSink from '../../fixtures/valid/kitchen-sink.ts';
import ntlm8001 from '../../../examples/ntlm-8001.ts';
import ntlm8002 from '../../../examples/ntlm-8002.ts';
import ntlm8003 from '../../../examples/ntlm-8003.ts';
import ntlm8004 from '../../../examples/ntlm-8004.ts';
import { makeDataset } from '../../../src/definition/dataset.ts';
import { loadDefinition } from '../../../src/definition/resolve.ts';
import { generateArtifacts } from '../../../src/generate/index.ts';
import { RenderPool } from '../../../src/api/render-pool.ts';
import { loadPainless, loadTemplates } from '../../../src/api/templates.ts';
import { renderDataset } from '../../../src/render/dataset.ts';
import { RenderError, Renderer } from '../../../src/render/serialize.ts';

/**
 * Big runs render datasets on worker threads too: whoever renders a dataset, its files must be the
 * same bytes, in the same order, and a failure must be the error rendering them in order gives.
 */
describe('rendering datasets on worker threads', function () {
  this.timeout(60_000);
  const defs = [ntlm8001, ntlm8002, ntlm8003, ntlm8004, kitchenSink, adversarial].map((d) => loadDefinition(d));
  // One dataset per definition, and the NTLM channel's four together: more jobs than threads.
  const datasets = [...defs.map((d) => makeDataset(d.dataset, [d])), makeDataset('windows.ntlm', defs.slice(0, 4))];
  const sources = new Map(defs.map((d) => [d.name, `examples/${d.name}.ts`]));
  const setup = { templates: loadTemplates(), painless: loadPainless(), options: {} };
  const renderer = new Renderer(setup.templates, setup.painless);

  it('gives each dataset the files, manifest entries and artifacts that rendering it on the main thread gives, in order', async () => {
    const pool = new RenderPool(setup, 2);
    try {
      const rendered = await pool.render(datasets, sources, renderer);
      assert.equal(rendered.length, datasets.length);
      rendered.forEach((r, i) => {
        const here = renderDataset(datasets[i]!, sources, renderer);
        assert.equal(r.dataset, datasets[i]);
        assert.deepEqual([...r.files], [...here.files]);
        assert.deepEqual(r.manifestFiles, here.manifestFiles);
        assert.deepEqual(r.artifacts, generateArtifacts(datasets[i]!, setup.painless));
      });
    } finally {
      await pool.close();
    }
  });

  it('fails as rendering in order fails: the first failing dataset, the same error', async () => {
    // A Sigma template whose output is not YAML: every dataset with a rule fails its read-back check.
    const broken = { ...setup, templates: { ...setup.templates, 'sigma-rule.yml': 'title: [unclosed\n' } };
    const brokenRenderer = new Renderer(broken.templates, broken.painless);
    const expected = (() => {
      try {
        datasets.forEach((b) => renderDataset(b, sources, brokenRenderer));
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    assert.ok(expected instanceof RenderError, String(expected));
    const pool = new RenderPool(broken, 2);
    try {
      await assert.rejects(pool.render(datasets, sources, brokenRenderer), (err: unknown) => err instanceof RenderError && err.message === expected.message);
    } finally {
      await pool.close();
    }
  });

  it('renders on the main thread alone when it has no threads', async () => {
    const pool = new RenderPool(setup, 0);
    const rendered = await pool.render(datasets.slice(0, 2), sources, renderer);
    assert.deepEqual(
      rendered.map((r) => [...r.files]),
      datasets.slice(0, 2).map((b) => [...renderDataset(b, sources, renderer).files]),
    );
    await pool.close();
  });
});
