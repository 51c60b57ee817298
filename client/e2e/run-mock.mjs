#!/usr/bin/env node
/**
 * The client's own end-to-end run: built dist/ + mock API on a free port + the browser
 * check. `npm run e2e:mock [screenshot.png]` (build first).
 */
import { access } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { checkDashboard } from "./dashboard.mjs";
import { startMockServer } from "./mock-server.mjs";

const distIndex = fileURLToPath(new URL("../dist/index.html", import.meta.url));
try {
  await access(distIndex);
} catch {
  console.error("e2e FAILED: dist/ is not built; run `npm run build` first");
  process.exit(1);
}

const { server, url } = await startMockServer();
console.log(`mock server on ${url}`);
try {
  await checkDashboard(url, { screenshot: process.argv[2] ?? null, timeoutMs: Number(process.env.E2E_TIMEOUT_MS ?? 60_000) });
  console.log("e2e OK");
} catch (err) {
  console.error(`e2e FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  server.close();
}
