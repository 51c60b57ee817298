// Shared command-line wrapper for the browser checks in this folder: argument check, a hard
// watchdog, one-line failure messages and exit codes (0 ok, 1 failed, 2 bad usage).
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** True when the module at `moduleUrl` is the script node was started with. */
export function isEntryPoint(moduleUrl) {
  return Boolean(process.argv[1]) && resolve(process.argv[1]) === fileURLToPath(moduleUrl);
}

/** Run `check(url, { screenshot, timeoutMs })` for `node e2e/<script> <url> [shot.png]`. */
export async function runCheck(usage, check) {
  const [url, screenshot] = process.argv.slice(2);
  if (!url || !/^https?:\/\//.test(url)) {
    console.error(`usage: ${usage}`);
    process.exit(2);
  }
  const timeoutMs = Number(process.env.E2E_TIMEOUT_MS ?? 60_000);
  // Hard stop even if the browser hangs in a way Playwright's own timeouts miss.
  const watchdog = setTimeout(() => {
    console.error(`e2e FAILED: timed out after ${timeoutMs + 15_000} ms`);
    process.exit(1);
  }, timeoutMs + 15_000);
  watchdog.unref();
  try {
    await check(url, { screenshot: screenshot ?? null, timeoutMs });
    console.log("e2e OK");
  } catch (err) {
    // Playwright appends a multi-line call log; the first line says what went wrong.
    const message = err instanceof Error ? err.message : String(err);
    console.error(`e2e FAILED: ${process.env.E2E_VERBOSE ? message : message.split("\n")[0]}`);
    process.exitCode = 1;
  }
}
