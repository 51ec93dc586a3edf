/** The mappings folder's default path (relative to the working folder). */
export const DEFAULT_OUT = 'mappings';

/** The definitions folder `generate` reads and `import` writes by default (relative to the working folder). */
export const DEFAULT_DEFINITIONS_DIR = 'examples';
