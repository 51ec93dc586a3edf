/**
 * A project's evforge configuration: `evforge.config.ts` in the folder evforge runs in (see
 * docs/definitions.md, "Where definitions live"). A typed file, as drizzle-kit's `drizzle.config.ts`:
 * the editor checks it, and it loads through the same TypeScript loader as the definitions.
 *
 *   import { defineConfig } from 'evforge';
 *   export default defineConfig({ definitions: ['definitions'] });
 */
export interface EvforgeConfig {
  /**
   * Where the definitions live, relative to the configuration file: folders (each of their `*.ts`
   * files, not subfolders) and files. Commands given no definition files read these.
   */
  readonly definitions: string | readonly string[];
}

/** The configuration's names, looked for in this order; two of them in one folder are refused. */
export const CONFIG_FILES = ['evforge.config.ts', 'evforge.config.mts', 'evforge.config.js', 'evforge.config.mjs'] as const;

/** Only gives types, as defineEvent does: the file's default export is the configuration. */
export function defineConfig<const C extends EvforgeConfig>(config: C): C {
  return config;
}
