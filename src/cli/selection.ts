import { loadPainless, loadTemplates } from '../io/templates.ts';
import { renderOutput } from '../manifest/manifest.ts';
import type { RenderedBundle } from '../render/bundle.ts';
import { Renderer } from '../render/serialize.ts';
import { selectDefinitions } from './definitions.ts';

/** The definitions rendered in memory, one entry per data stream, exactly as `generate` would write them. */
export async function renderSelection(files: readonly string[], cwd: string): Promise<RenderedBundle[]> {
  const selection = await selectDefinitions(files, cwd);
  return [...renderOutput(selection.definitions, new Renderer(loadTemplates(), loadPainless()), undefined, true).bundles];
}
