// Builds the dashboard into the Python package's static folder, or (--tests) the unit tests into build/tests.
import { build } from 'esbuild';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const OUT = join(here, '..', 'src', 'waaah', 'web', 'static');
const BASE = '/admin/';

async function buildApp() {
  await rm(OUT, { recursive: true, force: true });
  const result = await build({
    entryPoints: [join(here, 'src', 'main.tsx')],
    bundle: true, minify: true, sourcemap: true, format: 'esm', target: 'es2020',
    jsx: 'automatic', jsxImportSource: 'preact',
    outdir: join(OUT, 'assets'), entryNames: '[name]-[hash]', metafile: true, logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
  const js = outputs.find((f) => f.endsWith('.js'));
  const css = outputs.find((f) => f.endsWith('.css'));
  const template = await readFile(join(here, 'index.html'), 'utf8');
  const html = template.replace('%JS%', `${BASE}assets/${js}`).replace('%CSS%', `${BASE}assets/${css}`);
  await writeFile(join(OUT, 'index.html'), html);
  console.log(`dashboard: built ${js} and ${css} into ${OUT}`);
}

async function buildTests() {
  const dir = join(here, 'tests');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.test.ts')).map((f) => join(dir, f));
  const out = join(here, 'node_modules', '.cache', 'waaah-tests'); // outside the Makefile's dashboard sources
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await build({
    entryPoints: files, bundle: true, platform: 'node', format: 'esm', target: 'node18',
    outdir: out, outExtension: { '.js': '.mjs' }, packages: 'external', logLevel: 'warning',
  });
}

await (process.argv.includes('--tests') ? buildTests() : buildApp());
