#!/usr/bin/env node
/**
 * How fast the dashboard draws, in headless Chromium against a running server:
 *
 * - first chart: from navigation start to the first history line with data on the page, each
 *   run in a new browser context (nothing cached: the cold load a first visitor gets), and
 *   once more in the same context (a returning visitor: the hashed assets come from the cache);
 * - switching indicator: from choosing another indicator to its line drawn;
 * - switching view: from clicking the Compare tab to the compare chart drawn (its code is
 *   downloaded on the first switch of a run, as a visitor's first switch does).
 *
 *   node e2e/first-chart.mjs <url> [runs]      (prints one JSON object: every sample, medians)
 *
 * The benchmark that runs it against the demo data is bench/dashboard_load.py.
 */
import { launchBrowser } from "./browser.mjs";
import { isEntryPoint } from "./cli.mjs";

const MAX_RUNS = 50;
const TIMEOUT_MS = 30_000;

/** In the page before its scripts: note when a Plotly history line with data first exists. */
function watchForFirstLine() {
  const seen = () => {
    const line = document.querySelector(".js-plotly-plot .scatterlayer .trace path.js-line");
    const d = line?.getAttribute("d") ?? "";
    return d.split(/[ML]/).filter(Boolean).length >= 2;
  };
  new MutationObserver((_, observer) => {
    if (window.__firstLineMs === undefined && seen()) {
      window.__firstLineMs = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true, attributes: true });
}

async function firstLineMs(page) {
  await page.waitForFunction(() => window.__firstLineMs !== undefined, null, { timeout: TIMEOUT_MS });
  return page.evaluate(() => window.__firstLineMs);
}

function historyPath() {
  return document.querySelector(".js-plotly-plot .scatterlayer .trace path.js-line")?.getAttribute("d") ?? "";
}

async function switchMs(page) {
  const select = page.getByLabel("Indicator", { exact: true });
  const options = await select.locator("option").evaluateAll((els) => els.map((el) => el.value));
  const current = await select.inputValue();
  const other = options.find((value) => value !== current);
  if (!other) return null;
  const before = await page.evaluate(historyPath);
  const started = Date.now();
  await select.selectOption(other);
  await page.waitForFunction(
    (previous) => {
      const d = document.querySelector(".js-plotly-plot .scatterlayer .trace path.js-line")?.getAttribute("d") ?? "";
      return d !== previous && d.split(/[ML]/).filter(Boolean).length >= 2;
    },
    before,
    { timeout: TIMEOUT_MS, polling: "raf" },
  );
  return Date.now() - started;
}

/** Click the Compare tab; milliseconds until a new chart (not the history's) has a line. */
async function viewSwitchMs(page) {
  await page.evaluate(() => {
    for (const gd of document.querySelectorAll(".js-plotly-plot")) gd.dataset.before = "1";
  });
  const started = Date.now();
  await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "Compare" }).click();
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll(".js-plotly-plot:not([data-before])")].some((gd) => {
        const d = gd.querySelector(".scatterlayer .trace path.js-line")?.getAttribute("d") ?? "";
        return d.split(/[ML]/).filter(Boolean).length >= 2;
      }),
    null,
    { timeout: TIMEOUT_MS, polling: "raf" },
  );
  return Date.now() - started;
}

const median = (xs) => {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
  if (!s.length) return null;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

export async function measure(url, runs) {
  const browser = await launchBrowser();
  const samples = { cold: [], warm: [], switch: [], view: [] };
  try {
    for (let i = 0; i < runs; i += 1) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      await context.addInitScript(watchForFirstLine);
      const page = await context.newPage();
      await page.goto(url, { waitUntil: "commit", timeout: TIMEOUT_MS });
      samples.cold.push(Math.round(await firstLineMs(page)));
      samples.switch.push(await switchMs(page));
      samples.view.push(await viewSwitchMs(page));
      await page.goto(url, { waitUntil: "commit", timeout: TIMEOUT_MS });
      samples.warm.push(Math.round(await firstLineMs(page)));
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return {
    url,
    runs,
    samples,
    median: {
      cold: median(samples.cold),
      warm: median(samples.warm),
      switch: median(samples.switch),
      view: median(samples.view),
    },
  };
}

if (isEntryPoint(import.meta.url)) {
  const [url, runsText] = process.argv.slice(2);
  const runs = Math.min(MAX_RUNS, Math.max(1, Number(runsText ?? 5)));
  if (!url || !/^https?:\/\//.test(url) || Number.isNaN(runs)) {
    console.error("usage: node e2e/first-chart.mjs <http://host:port/> [runs]");
    process.exit(2);
  }
  console.log(JSON.stringify(await measure(url, runs)));
}
