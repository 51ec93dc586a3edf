import { resolve } from 'node:path';
import { FileError, ValidationError, type Issue } from '../errors.ts';
import { displayPath, findDefinitionFiles, loadDefinitionFile, type LoadedDefinition } from '../io/loader.ts';

export const DEFAULT_DEFINITIONS_DIR = 'examples';

export interface Selection {
  readonly definitions: LoadedDefinition[];
  /** True when no files were named: the definitions folder is the whole truth. */
  readonly complete: boolean;
}

/**
 * Loads the named definition files, or every `examples/*.ts`. All files are loaded even when one
 * fails, so the user sees every problem at once.
 */
export async function selectDefinitions(files: readonly string[], cwd = process.cwd()): Promise<Selection> {
  const complete = files.length === 0;
  const paths = complete ? await findDefinitionFiles(resolve(cwd, DEFAULT_DEFINITIONS_DIR)) : files.map((f) => resolve(cwd, f));
  const issues: Issue[] = [];
  const fileErrors: FileError[] = [];
  // Loaded 16 at a time: each import waits on tsx's loader thread, so one at a time is mostly waiting.
  const loaded: (LoadedDefinition | undefined)[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      try {
        loaded[i] = await loadDefinitionFile(paths[i]!, cwd);
      } catch (err) {
        if (err instanceof ValidationError) issues.push(...err.issues);
        else if (err instanceof FileError) fileErrors.push(err);
        else throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, paths.length) }, worker));
  const definitions = loaded.filter((d): d is LoadedDefinition => d !== undefined);
  // Reported in file order, whatever order the loads finished in.
  const order = (path: string) => paths.findIndex((p) => path.startsWith(displayPath(p, cwd)));
  issues.sort((a, b) => order(a.path) - order(b.path));
  fileErrors.sort((a, b) => order(a.path) - order(b.path));
  if (fileErrors.length === 1 && issues.length === 0) throw fileErrors[0];
  if (fileErrors.length || issues.length) {
    throw new ValidationError([...fileErrors.map((e) => ({ code: 'E_FILE', path: e.path, message: e.message, ...(e.hint ? { hint: e.hint } : {}) })), ...issues]);
  }
  return { definitions, complete };
}
