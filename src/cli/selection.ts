import { loadTemplates } from '../io/templates.ts';
import { renderOutput, type RenderedEvent } from '../render/output.ts';
import { Renderer } from '../render/serialize.ts';
import { selectDefinitions } from './definitions.ts';

/** The definitions rendered in memory, exactly as `generate` would write them. */
export async function renderSelection(files: readonly string[], cwd: string): Promise<RenderedEvent[]> {
  const selection = await selectDefinitions(files, cwd);
  return [...renderOutput(selection.definitions, new Renderer(loadTemplates()), undefined, true).events];
}
