// Builds the web app into dist/: the pages (dist/<page>.html) and their files (dist/web/: one
// bundle per page, fixed names and no code splitting so the transcoder can embed the directory,
// and the style sheet). The transcoder serves /<page> and /web/<file>; any static host serves
// dist/ as it is (/<page>.html?stream=…&rpc=ws://…). Prints each file's size and
// gzip size, and fails when the viewer page's first-load JavaScript exceeds the budget.
//   node build.mjs            production build (minified)
//   node build.mjs --dev      unminified, with source maps
import { build } from 'esbuild';
import { mkdirSync, rmSync, copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const dev = process.argv.includes('--dev');
/** The viewer's JavaScript on first load, gzip (issue 14's budget). */
export const VIEWER_BUDGET = 350 * 1024;

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const pages = ['watch', 'studio', 'overlay'];
await build({
  entryPoints: pages.map((page) => join(here, 'src', `${page}.js`)),
  outdir: join(dist, 'web'),
  bundle: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: !dev,
  sourcemap: dev,
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(join(here, 'src', 'style.css'), join(dist, 'web', 'style.css'));
for (const page of pages)
  copyFileSync(join(here, 'pages', `${page}.html`), join(dist, `${page}.html`));

const files = [
  ...pages.map((page) => `${page}.html`),
  ...readdirSync(join(dist, 'web')).map((file) => `web/${file}`),
];
const sizes = files
  .filter((file) => !file.endsWith('.map'))
  .map((file) => {
    const bytes = readFileSync(join(dist, file));
    return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log('web/dist:');
for (const { file, raw, gzip } of sizes)
  console.log(`  ${file.padEnd(18)} ${kb(raw).padStart(10)}  gzip ${kb(gzip).padStart(9)}`);
const viewer = sizes.find((s) => s.file === 'web/watch.js').gzip;
console.log(`viewer first-load JavaScript: ${kb(viewer)} gzip (budget ${kb(VIEWER_BUDGET)})`);
if (viewer > VIEWER_BUDGET) {
  console.error(`FAIL: the viewer's JavaScript is over budget by ${kb(viewer - VIEWER_BUDGET)}`);
  process.exit(1);
}
