#!/usr/bin/env node
// Counts the type casts in src/: every `as T` other than `as const`, every `<T>x` assertion, and every
// non-null `!`. Issue 13's budget is 40; `--max N` makes the script exit 1 above N (CI runs it so). It
// walks the TypeScript AST (not a regex) so strings, comments and `as` in import/export renames never count.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const maxAt = args.indexOf('--max');
const max = maxAt >= 0 ? Number(args[maxAt + 1]) : undefined;
const verbose = args.includes('--list');

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

const perFile = [];
let total = 0;
for (const path of files(join(root, 'src'))) {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    let kind;
    if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) {
      const type = node.type;
      const isConst = ts.isTypeReferenceNode(type) && type.typeName.getText(source) === 'const';
      if (!isConst) kind = `as ${type.getText(source)}`;
    } else if (ts.isNonNullExpression(node)) kind = '!';
    if (kind) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push(`${relative(root, path)}:${line + 1}: ${kind}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (found.length) perFile.push([relative(root, path), found]);
  total += found.length;
}
perFile.sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
for (const [file, found] of perFile) {
  console.log(`${String(found.length).padStart(4)}  ${file}`);
  if (verbose) for (const f of found) console.log(`        ${f}`);
}
console.log(`${String(total).padStart(4)}  casts in src/ (as other than \`as const\`, <T>x, non-null !)${max === undefined ? '' : `; budget ${max}`}`);
if (max !== undefined && total > max) {
  console.error(`casts: ${total} is over the budget of ${max}; run \`node scripts/casts.mjs --list\` to see each one`);
  process.exit(1);
}
