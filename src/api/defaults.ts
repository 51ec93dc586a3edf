/** The mappings folder's default path (relative to the working folder). */
export const DEFAULT_OUT = 'mappings';
