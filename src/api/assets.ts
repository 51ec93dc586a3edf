import { PAINLESS_NAMES, type PainlessSources } from '../generate/painless.ts';
import { readAssets } from '../io/assets.ts';
import { VIEW_NAMES, type ViewSources } from '../render/serialize.ts';

/** `assets/views/*.hbs`: the Handlebars views of the text artifacts. */
export const loadViews = (): ViewSources => readAssets('views/', VIEW_NAMES, '.hbs');

/** `assets/painless/*.painless`: the pipeline's script sources. */
export const loadPainless = (): PainlessSources => readAssets('painless/', PAINLESS_NAMES, '.painless');
