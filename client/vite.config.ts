/// <reference types="vitest/config" />
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import react from "@vitejs/plugin-react";
import type { GetModuleInfo } from "rollup";
import { defineConfig, type Plugin } from "vite";

const SHARED = /commonjsHelpers|vite\/(modulepreload-polyfill|preload-helper)|\/node_modules\/(react|react-dom|scheduler|tslib)\//;
const PLOTLY = "/node_modules/plotly.js/";
const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/**
 * Whether a module belongs in the "plotly" chunk: plotly.js' own source (our partial bundle,
 * src/components/plotlyBundle.ts, picks from it) and the packages only it imports (d3, colour
 * and number helpers, …), so the chunk changes only when plotly.js does.
 */
function plotlyOnly(id: string, info: GetModuleInfo, seen = new Map<string, boolean>()): boolean {
  const known = seen.get(id);
  if (known !== undefined) return known;
  if (id.includes(PLOTLY)) return true;
  if (!id.includes("/node_modules/")) return false;
  seen.set(id, true); // inside an import cycle, judge by the cycle's other importers
  const module = info(id);
  const importers = [...(module?.importers ?? []), ...(module?.dynamicImporters ?? [])];
  const answer = importers.length > 0 && importers.every((importer) => plotlyOnly(importer, info, seen));
  seen.set(id, answer);
  return answer;
}

/**
 * plotly.js' trace registry requires maplibre-gl's stylesheet for map traces (83 kB, which Vite
 * would ship as a CSS file with the plotly chunk). The partial bundle registers no map trace.
 */
const MAPLIBRE_CSS = "maplibre-gl/dist/maplibre-gl.css";
const EMPTY = "\0fredpipe:empty";
const noMaplibreCss: Plugin = {
  name: "fredpipe:no-maplibre-css",
  enforce: "pre",
  resolveId: (source) => (source === MAPLIBRE_CSS ? EMPTY : null),
  load: (id) => (id === EMPTY ? "export default {};" : null),
};

/** Files worth encoding ahead of time, and the smallest size for which it pays. */
const ENCODABLE = /\.(js|mjs|css|html|svg|json|map|txt)$/;
const MIN_ENCODED_BYTES = 500;

/**
 * After a build, writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip, level 9) next to
 * each text file of dist/: the API sends these ready-made copies to clients that accept them
 * (graphql_api/static.py), at the best quality once per build instead of a fast one per process.
 */
function precompress(outDir: string): Plugin {
  return {
    name: "fredpipe:precompress",
    apply: "build",
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => {
          const path = join(dir, name);
          return statSync(path).isDirectory() ? walk(path) : [path];
        });
      for (const path of walk(outDir)) {
        if (!ENCODABLE.test(path) || statSync(path).size < MIN_ENCODED_BYTES) continue;
        const body = readFileSync(path);
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(body, {
            params: {
              [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
              [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
            },
          }),
        );
        writeFileSync(`${path}.gz`, gzipSync(body, { level: 9 }));
      }
    },
  };
}

// In dev the API runs separately (default http://127.0.0.1:8000); production serves
// dist/ from the FastAPI app, so /graphql is always same-origin for the browser.
const apiTarget = process.env.FREDPIPE_API_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react(), noMaplibreCss, precompress(page("dist"))],
  // `vite build` bundles plotly.js' CommonJS with Rollup's plugin, which maps Node's `global`;
  // the dev server pre-bundles it with esbuild, which does not (has-hover reads
  // global.matchMedia).
  optimizeDeps: { esbuildOptions: { define: { global: "globalThis" } } },
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: {
      // the API's routes the dashboard calls: GraphQL (subscriptions over its websocket too),
      // sign-in and the chart images
      "/graphql": { target: apiTarget, changeOrigin: true, ws: true },
      "/auth": { target: apiTarget, changeOrigin: true },
      "/api": { target: apiTarget, changeOrigin: true },
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 5000,
    rollupOptions: {
      // Two pages: the dashboard (index.html) and GraphiQL (graphiql.html, served by the API
      // for browser GETs of /graphql). They share React and bits of graphql-js; GraphiQL's
      // own code stays in its chunks and never loads with the dashboard.
      input: { index: page("index.html"), graphiql: page("graphiql.html") },
      output: {
        manualChunks: (id, { getModuleInfo }) => {
          // Runtime both pages use, in one "vendor" chunk. Without this Rollup parks the
          // CommonJS interop helper in the plotly chunk, so every page preloads all of Plotly.
          if (SHARED.test(id)) return "vendor";
          if (plotlyOnly(id, getModuleInfo)) return "plotly";
          return undefined;
        },
      },
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
  },
});
