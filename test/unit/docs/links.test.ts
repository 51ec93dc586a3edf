import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import GithubSlugger from 'github-slugger';
import MarkdownIt from 'markdown-it';
import { HAND_WRITTEN, withHandWritten } from '../../../bench/lib.ts';
import { ROOT } from '../../helpers.ts';

/** The README is the front page: what evforge is, the two commands, a walkthrough, links (issue 25 item 6). */
const README_MAX_BYTES = 10_240;

const md = new MarkdownIt();

/** The Markdown files whose links must hold: the README, everything under docs/, and the benchmark results. */
function documents(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f));
  return ['README.md', 'bench/RESULTS.md', ...docs.sort()];
}

type Token = ReturnType<MarkdownIt['parse']>[number];

/** Every link and image target of a document, as Markdown parses it (none from code blocks or code spans). */
function targets(tokens: readonly Token[]): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    for (const c of t.children ?? []) {
      const target = c.type === 'link_open' ? c.attrGet('href') : c.type === 'image' ? c.attrGet('src') : null;
      if (target !== null) out.push(target);
    }
  }
  return out;
}

/** The anchors GitHub gives a document's headings: each heading's text, slugged, repeats numbered. */
function anchors(tokens: readonly Token[]): Set<string> {
  const slugger = new GithubSlugger();
  const out = new Set<string>();
  tokens.forEach((t, i) => {
    if (t.type !== 'heading_open') return;
    const text = (tokens[i + 1]?.children ?? []).filter((c) => c.type === 'text' || c.type === 'code_inline').map((c) => c.content).join('');
    out.add(slugger.slug(text));
  });
  return out;
}

const parsed = new Map<string, Token[]>();
function parse(path: string): Token[] {
  let tokens = parsed.get(path);
  if (!tokens) {
    tokens = md.parse(readFileSync(join(ROOT, path), 'utf8'), {});
    parsed.set(path, tokens);
  }
  return tokens;
}

/** What is wrong with one relative link of `from`, or undefined when it holds. */
function brokenLink(from: string, target: string): string | undefined {
  const [rawPath = '', anchor] = target.split('#', 2);
  const path = rawPath === '' ? from : relative(ROOT, resolve(ROOT, dirname(from), decodeURIComponent(rawPath)));
  if (path.startsWith('..')) return `${target}: points outside the repository`;
  if (!existsSync(join(ROOT, path))) return `${target}: ${path} does not exist`;
  if (anchor === undefined || anchor === '') return undefined;
  if (!path.endsWith('.md') || statSync(join(ROOT, path)).isDirectory()) return `${target}: an anchor into ${path}, which is no Markdown file`;
  return anchors(parse(path)).has(anchor) ? undefined : `${target}: ${path} has no heading with the anchor #${anchor}`;
}

describe('README and docs/ (issue 25 item 6)', () => {
  it(`README.md is at most ${README_MAX_BYTES} bytes`, () => {
    const size = statSync(join(ROOT, 'README.md')).size;
    assert.ok(size <= README_MAX_BYTES, `README.md is ${size} bytes: move the detail into docs/ and link to it`);
  });

  it("README.md starts with the two commands a newcomer needs: the main job and the tests", () => {
    const first = parse('README.md').find((t) => t.type === 'fence');
    assert.ok(first, 'README.md has no code block');
    assert.match(first.content, /^npm ci && npx evforge generate\b.*\nnpm test\b/);
    const before = readFileSync(join(ROOT, 'README.md'), 'utf8').split('```')[0]!;
    assert.equal(before.trim(), '# evforge', 'only the title comes before the commands');
  });

  it('README.md lists every error class the library exports (issue 26 item 4)', async () => {
    const api: Record<string, unknown> = await import('../../../src/index.ts');
    const base = api['EvforgeError'];
    assert.equal(typeof base, 'function');
    const classes = Object.entries(api)
      .filter(([, v]) => typeof v === 'function' && (v === base || (v as { prototype: unknown }).prototype instanceof (base as typeof Error)))
      .map(([k]) => k);
    assert.ok(classes.length >= 12, classes.join());
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.deepEqual(classes.filter((name) => !readme.includes(`\`${name}\``)), []);
  });

  it('every relative link in README.md, docs/ and bench/RESULTS.md points at a file that exists, and at a heading of it', () => {
    const docs = documents();
    assert.ok(docs.includes('docs/guide/add-a-channel.md') && docs.includes('docs/architecture.md') && docs.length >= 12, docs.join());
    const broken: string[] = [];
    let checked = 0;
    for (const doc of docs) {
      for (const target of targets(parse(doc))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
        checked++;
        const problem = brokenLink(doc, target);
        if (problem) broken.push(`${doc}: ${problem}`);
      }
    }
    assert.ok(checked > 100, `only ${checked} links checked`);
    assert.deepEqual(broken, []);
  });

  it('the link check finds a missing file, a missing heading and an anchor into a file that is not Markdown', () => {
    assert.equal(brokenLink('README.md', 'docs/definitions.md#where-definitions-live'), undefined);
    assert.equal(brokenLink('docs/deploying.md', '#cluster-options'), undefined);
    assert.equal(brokenLink('docs/guide/add-a-channel.md', '../output.md'), undefined);
    assert.match(brokenLink('README.md', 'docs/nowhere.md') ?? '', /docs\/nowhere\.md does not exist/);
    assert.match(brokenLink('README.md', 'docs/definitions.md#where-definitions-go') ?? '', /no heading with the anchor #where-definitions-go/);
    assert.match(brokenLink('README.md', 'package.json#files') ?? '', /no Markdown file/);
    assert.match(brokenLink('README.md', '../elsewhere.md') ?? '', /outside the repository/);
  });

  it("anchors are GitHub's: punctuation dropped, each space a hyphen, a repeated heading numbered", () => {
    const got = anchors(md.parse('# `evforge replay`\n## Security semantics: outcome, lookups\n### 1.0.0 — initial version\n## Errors\n## Errors\n```\n# not a heading\n```\n', {}));
    assert.deepEqual([...got], ['evforge-replay', 'security-semantics-outcome-lookups', '100--initial-version', 'errors', 'errors-1']);
  });

  it('benchmark figures live in bench/RESULTS.md only: no throughput, µs or speed-up ratios in README.md or docs/', () => {
    const figure = /\d\s?µs\b|\b(?:docs|events)\/s\b|\d(?:\.\d+)?\s?×|\bx faster\b/;
    const found: string[] = [];
    for (const doc of documents().filter((d) => d !== 'bench/RESULTS.md')) {
      readFileSync(join(ROOT, doc), 'utf8').split('\n').forEach((line, i) => {
        if (figure.test(line)) found.push(`${doc}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
    }
    assert.deepEqual(found, []);
  });

  it('npm run bench rewrites the measured part of bench/RESULTS.md and keeps the hand-written part', () => {
    const results = readFileSync(join(ROOT, 'bench/RESULTS.md'), 'utf8');
    assert.ok(results.includes(HAND_WRITTEN), 'bench/RESULTS.md has no hand-written part');
    const kept = results.slice(results.indexOf(HAND_WRITTEN));
    assert.equal(withHandWritten('# new report\n', results), `# new report\n\n${kept}`);
    assert.equal(withHandWritten('# new report\n', '# an old report without one\n'), '# new report\n');
  });
});
