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
  const page = await browser.newPage({ viewport });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  return page;
}

/** Save a screenshot to `path` (folders created), and say where. */
export async function saveScreenshot(page, path, log, { fullPage = false } = {}) {
  await mkdir(dirname(resolve(path)), { recursive: true });
  await page.screenshot({ path, fullPage });
  log(`screenshot: ${resolve(path)}`);
}
