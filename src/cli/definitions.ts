import { resolve } from 'node:path';
import { FileError, ValidationError, type Issue } from '../errors.ts';
import { findDefinitionFiles, loadDefinitionFile, type LoadedDefinition } from '../io/loader.ts';

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
  const definitions: LoadedDefinition[] = [];
  const issues: Issue[] = [];
  const fileErrors: FileError[] = [];
  for (const p of paths) {
    try {
      definitions.push(await loadDefinitionFile(p, cwd));
    } catch (err) {
      if (err instanceof ValidationError) issues.push(...err.issues);
      else if (err instanceof FileError) fileErrors.push(err);
      else throw err;
    }
  }
  if (fileErrors.length === 1 && issues.length === 0) throw fileErrors[0];
  if (fileErrors.length || issues.length) {
    throw new ValidationError([...fileErrors.map((e) => ({ code: 'E_FILE', path: e.path, message: e.message, ...(e.hint ? { hint: e.hint } : {}) })), ...issues]);
  }
  return { definitions, complete };
}
