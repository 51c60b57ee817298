#!/usr/bin/env node
/**
 * Raw and gzipped size of every file a built page loads, followed through the chunks' imports,
 * and of all of dist/assets. Issue 13 budgets the dashboard's JavaScript (≤ 1.2 MB gzipped);
 * this is the number to check after a dependency or chunking change.
 *
 *   node scripts/bundle-size.mjs [dist] [page.html]      (npm run size; defaults: dist index.html)
 *
 * "initial" files load with the page (its <script>/<link> tags and their static imports);
 * "lazy" files load on a dynamic import() (e.g. the Plotly chunk). Gzip is zlib's default
 * level (6), what a server compressing on the fly sends.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";

const dist = resolve(process.argv[2] ?? "dist");
const pageName = process.argv[3] ?? "index.html";
const assets = join(dist, "assets");

/** Asset file names a page's tags refer to (`/assets/x.js`, `/assets/x.css`). */
function pageAssets(html) {
  return [...html.matchAll(/(?:src|href)="\/?assets\/([^"]+)"/g)].map((m) => m[1]);
}

/**
 * A chunk's references to other assets, split by how they load. Rollup writes static imports as
 * `from"./x.js"` / `import"./x.js"` and dynamic ones as `import("./x.js")`; Vite lists a dynamic
 * import's preloaded dependencies as "assets/x.js" in `__vite__mapDeps`.
 */
function chunkRefs(code) {
  const statics = new Set();
  for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*["']\.\/([\w.-]+\.js)["']/g)) statics.add(m[1]);
  const all = new Set();
  for (const m of code.matchAll(/["'`](?:\.\/|\/?assets\/)([\w.-]+\.(?:js|css))["'`]/g)) all.add(m[1]);
  return { statics: [...statics], dynamics: [...all].filter((f) => !statics.has(f)) };
}

/** Every asset the page can load: name -> "initial" | "lazy". */
function reachable(entries) {
  const kind = new Map();
  const visit = (name, how) => {
    if (kind.get(name) === "initial" || kind.get(name) === how) return;
    kind.set(name, how);
    if (!name.endsWith(".js")) return;
    const { statics, dynamics } = chunkRefs(readFileSync(join(assets, name), "utf8"));
    for (const dep of statics) visit(dep, how);
    for (const dep of dynamics) visit(dep, "lazy");
  };
  for (const name of entries) visit(name, "initial");
  return kind;
}

function measure(name) {
  const bytes = readFileSync(join(assets, name));
  return { name, raw: bytes.length, gzip: gzipSync(bytes).length };
}

const kB = (n) => `${(n / 1000).toFixed(1)} kB`.padStart(11); // kB = 1000 bytes, as Vite prints
const sum = (rows, key) => rows.reduce((total, row) => total + row[key], 0);
const line = (label, rows) => console.log(`${label.padEnd(44)} ${kB(sum(rows, "raw"))} ${kB(sum(rows, "gzip"))}`);

const kinds = reachable(pageAssets(readFileSync(join(dist, pageName), "utf8")));
const rows = [...kinds].map(([name, how]) => ({ ...measure(name), how }));
rows.sort((a, b) => (a.how === b.how ? b.gzip - a.gzip : a.how === "initial" ? -1 : 1));

console.log(`${pageName} (${dist})`);
console.log(`${"file".padEnd(36)} ${"loads".padEnd(7)} ${"raw".padStart(11)} ${"gzip".padStart(11)}`);
for (const r of rows) console.log(`${r.name.padEnd(36)} ${r.how.padEnd(7)} ${kB(r.raw)} ${kB(r.gzip)}`);
const js = rows.filter((r) => r.name.endsWith(".js"));
console.log("");
line(`${pageName} JavaScript, initial`, js.filter((r) => r.how === "initial"));
line(`${pageName} JavaScript, lazy`, js.filter((r) => r.how === "lazy"));
line(`${pageName} JavaScript, total`, js);
line(`${pageName} CSS`, rows.filter((r) => r.name.endsWith(".css")));
const everything = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f)).map(measure);
line(`dist/assets, all pages (${everything.length} files)`, everything);
