#!/usr/bin/env node
/**
 * The live "market trends" strip, in headless Chromium against a running server: the page is
 * opened, prints `READY <version>` (the data version its "data as of" shows) and waits while
 * the caller runs a pipeline stage; the strip must then show a newer version, pushed through the
 * dataUpdated subscription, without the page reloading. Prints `UPDATED <version>`.
 *
 *   node e2e/live.mjs <url>          (E2E_TIMEOUT_MS bounds the whole wait; default 300000)
 *
 * tests/e2e/test_dashboard_e2e.py runs it around `fredpipe forecast --force`, a pipeline stage
 * that stores a new forecast run.
 */
import { withPage } from "./browser.mjs";
import { isEntryPoint } from "./cli.mjs";
import { waitForView } from "./views.mjs";

function shownVersion() {
  const text = document.querySelector('[data-testid="data-as-of"]')?.textContent ?? "";
  const match = /version (\d+)/.exec(text);
  return match ? Number(match[1]) : null;
}

export async function checkLive(url, timeoutMs, log = console.log) {
  await withPage({ width: 1280, height: 900 }, { log, fatalPrefixes: ["page error"] }, async (page) => {
    await page.goto(`${url.replace(/\/?$/, "/")}?view=history&ids=UNRATE`, { waitUntil: "domcontentloaded" });
    await waitForView(page, { scatter: 1 }, 60_000);
    await page.waitForFunction(shownVersion, undefined, { timeout: 30_000 });
    const before = await page.evaluate(shownVersion);
    // a reload would lose this mark
    await page.evaluate(() => {
      window.__sameDocument = true;
    });
    log(`READY ${before}`);
    await page.waitForFunction(
      (v) => {
        const match = /version (\d+)/.exec(document.querySelector('[data-testid="data-as-of"]')?.textContent ?? "");
        return match !== null && Number(match[1]) > v;
      },
      before,
      { timeout: timeoutMs, polling: 250 },
    );
    const after = await page.evaluate(shownVersion);
    const same = await page.evaluate(() => window.__sameDocument === true);
    if (!same) throw new Error("the page reloaded instead of updating in place");
    const dot = await page.locator(".live-dot").count();
    if (dot !== 1) throw new Error("the strip does not mark itself as updated live");
    // the update's refetch must have kept the chart on screen
    await waitForView(page, { scatter: 1 }, 30_000);
    log(`UPDATED ${after}`);
  });
}

if (isEntryPoint(import.meta.url)) {
  const [url] = process.argv.slice(2);
  if (!url || !/^https?:\/\//.test(url)) {
    console.error("usage: node e2e/live.mjs <http://host:port/>");
    process.exit(2);
  }
  try {
    await checkLive(url, Number(process.env.E2E_TIMEOUT_MS ?? 300_000));
    console.log("e2e OK");
  } catch (err) {
    console.error(`e2e FAILED: ${(err instanceof Error ? err.message : String(err)).split("\n")[0]}`);
    process.exitCode = 1;
  }
}
