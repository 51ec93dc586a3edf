/** The mappings folder's default path (relative to the working folder). */
export const DEFAULT_OUT = 'mappings';

/** The definitions folder `generate` reads (without a configuration) and `import` writes by default (relative to the working folder). */
export { DEFAULT_DEFINITIONS_DIR } from '../io/config.ts';
