/// <reference types="vitest/config" />
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const SHARED = /commonjsHelpers|vite\/(modulepreload-polyfill|preload-helper)|\/node_modules\/(react|react-dom|scheduler|tslib)\//;
const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

// In dev the API runs separately (default http://127.0.0.1:8000); production serves
// dist/ from the FastAPI app, so /graphql is always same-origin for the browser.
const apiTarget = process.env.FREDPIPE_API_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: {
      "/graphql": { target: apiTarget, changeOrigin: true },
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
        manualChunks: (id) => {
          if (id.includes("plotly.js-dist-min")) return "plotly";
          // Runtime both pages use, in one "vendor" chunk. Without this Rollup parks the
          // CommonJS interop helper in the plotly chunk, so every page preloads all of Plotly.
          if (SHARED.test(id)) return "vendor";
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
