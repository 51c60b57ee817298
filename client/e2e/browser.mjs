// Shared browser plumbing for the checks in this folder: one Chromium launch recipe, a page that
// records page and console errors, and screenshots written where the caller asked.
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { chromium } from "playwright-core";

/** Flags for a headless Chromium that must not call home on a machine without internet. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Debian's Chromium (or CHROMIUM_PATH), headless. */
export function launchBrowser() {
  const executablePath = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** A new page whose uncaught errors and console errors are pushed onto `problems`. */
export async function openPage(browser, viewport, problems) {
  // a page of its own context (axe-core's AxeBuilder needs one it can open more pages in)
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}${process.env.E2E_VERBOSE ? ` ${err.stack}` : ""}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  return page;
}

/**
 * Run `body(page, problems)` on a fresh page of a fresh browser, then fail on the recorded
 * problems that start with one of `fatalPrefixes` and log the rest as notes. Any failure
 * carries what the browser reported; the browser is closed whatever happens.
 */
export async function withPage(viewport, { log, fatalPrefixes }, body) {
  const browser = await launchBrowser();
  const problems = [];
  try {
    const page = await openPage(browser, viewport, problems);
    await body(page, problems);
    const fatal = problems.filter((p) => fatalPrefixes.some((prefix) => p.startsWith(prefix)));
    if (fatal.length) throw new Error(fatal.join("; "));
    for (const p of problems) log(`note: ${p}`);
  } catch (err) {
    if (problems.length) err.message += ` [browser: ${problems.join("; ")}]`;
    throw err;
  } finally {
    await browser.close();
  }
}

/** Save a screenshot to `path` (folders created), and say where. */
export async function saveScreenshot(page, path, log, { fullPage = false } = {}) {
  await mkdir(dirname(resolve(path)), { recursive: true });
  await page.screenshot({ path, fullPage });
  log(`screenshot: ${resolve(path)}`);
}
