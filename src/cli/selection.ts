/** The definitions rendered in memory, as `generate` would write them: the library's, under the name the commands used. */
export { renderDefinitions as renderSelection } from '../api/definitions.ts';
