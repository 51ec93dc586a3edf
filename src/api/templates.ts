import { PAINLESS_NAMES, type PainlessSources } from '../generate/painless.ts';
import { readTemplates } from '../io/templates.ts';
import { TEMPLATE_NAMES, type TemplateSources } from '../render/serialize.ts';

/** `templates/*.hbs`: the Handlebars templates of the text artifacts. */
export const loadTemplates = (): TemplateSources => readTemplates('', TEMPLATE_NAMES, '.hbs');

/** `templates/painless/*.painless`: the pipeline's script sources. */
export const loadPainless = (): PainlessSources => readTemplates('painless/', PAINLESS_NAMES, '.painless');
