#!/usr/bin/env node
/**
 * Browser check of every dashboard view against a running server on the demo data:
 *
 * - each view's URL renders the trace types it promises (read from the Plotly graph divs'
 *   `data`) with data in them, and no error notice;
 * - axe-core (WCAG 2 A and AA rules) finds no serious or critical violation on the view;
 * - at 375 px wide nothing overflows the page sideways;
 * - switching view by its tab redraws within the measured time (printed).
 *
 *   node e2e/views.mjs <url> [screenshot-dir]
 *
 * With a screenshot folder, writes `<view>.png` (1280 × 1500) and `<view>-375.png` there: the
 * README's screenshots come from here (bench/screenshots.py). Exits 0 on success, 1 with a
 * one-line reason on failure, 2 on bad usage.
 */
import { AxeBuilder } from "@axe-core/playwright";
import { join } from "node:path";
import { saveScreenshot, withPage } from "./browser.mjs";
import { isEntryPoint, runCheck } from "./cli.mjs";

/**
 * The views on the demo data (DGS10, DGS2 daily; UNRATE monthly; GDP quarterly), and the
 * trace types each must draw: type → smallest count.
 */
export const VIEW_CASES = [
  {
    view: "history",
    search: "?view=history&ids=UNRATE&window=max",
    traces: { scatter: 4 }, // history, 95 % and 80 % bands, forecast mean
  },
  {
    view: "compare",
    search: "?view=compare&ids=DGS10,DGS2,UNRATE&window=5y&transform=zscore",
    traces: { scatter: 3 },
  },
  {
    view: "correlation",
    search: "?view=correlation&ids=DGS10,DGS2,UNRATE&pair=DGS10,DGS2",
    traces: { heatmap: 1, scatter: 2 }, // the matrix; the pair's points and fitted line
  },
  {
    view: "technicals",
    search: "?view=technicals&ids=DGS10&window=5y&frequency=w",
    traces: { candlestick: 1, scatter: 5 }, // SMA 20/50/200, Bollinger, volatility 21/63
  },
];

const SERIOUS = new Set(["serious", "critical"]);

/** What the page shows, read in the browser: the charts' trace types and sizes, any alert. */
function readPage() {
  const alerts = [...document.querySelectorAll('[role="alert"]')].map((el) => (el.textContent ?? "").replace(/\s+/g, " ").trim());
  const busy = document.querySelector('[aria-busy="true"], .chart-placeholder, .chart-loading') !== null;
  const charts = [...document.querySelectorAll(".js-plotly-plot")].map((gd) =>
    (gd.data ?? []).map((trace) => ({
      type: trace.type ?? "scatter",
      points: Math.max(trace.x?.length ?? 0, trace.z?.length ?? 0, trace.y?.length ?? 0),
    })),
  );
  return { alerts, busy, charts, drawn: document.querySelectorAll(".js-plotly-plot .main-svg").length };
}

function countTypes(charts) {
  const counts = {};
  for (const trace of charts.flat()) {
    if (trace.points > 0) counts[trace.type] = (counts[trace.type] ?? 0) + 1;
  }
  return counts;
}

function satisfied(state, wanted) {
  const counts = countTypes(state.charts);
  return !state.busy && state.drawn > 0 && Object.entries(wanted).every(([type, n]) => (counts[type] ?? 0) >= n);
}

/** Until the view draws what it promises; fails on an alert or the deadline. */
export async function waitForView(page, wanted, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let state = null;
  while (Date.now() < deadline) {
    state = await page.evaluate(readPage);
    if (state.alerts.length) throw new Error(`the page shows an error: ${state.alerts.join(" | ")}`);
    if (satisfied(state, wanted)) return state;
    await page.waitForTimeout(100);
  }
  throw new Error(`expected traces ${JSON.stringify(wanted)} within ${timeoutMs} ms; saw ${JSON.stringify(state && countTypes(state.charts))}`);
}

async function axeProblems(page) {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations
    .filter((v) => SERIOUS.has(v.impact ?? ""))
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}

async function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

export async function checkViews(url, { screenshot: folder = null, timeoutMs = 120_000, log = console.log } = {}) {
  const base = url.replace(/\/?(\?.*)?$/, "/");
  const started = Date.now();
  const remaining = () => Math.max(5_000, timeoutMs - (Date.now() - started));

  // tall enough that a desktop screenshot shows the view's chart under the trends strip
  await withPage({ width: 1280, height: 1500 }, { log, fatalPrefixes: ["page error"] }, async (page) => {
    const failures = [];
    for (const { view, search, traces } of VIEW_CASES) {
      await page.goto(`${base}${search}`, { waitUntil: "domcontentloaded", timeout: remaining() });
      const state = await waitForView(page, traces, remaining());
      log(`${view}: ${JSON.stringify(countTypes(state.charts))} in ${state.charts.length} chart(s)`);
      const problems = await axeProblems(page);
      if (problems.length) failures.push(`${view}: axe: ${problems.join("; ")}`);
      if (folder) await saveScreenshot(page, join(folder, `${view}.png`), log);
    }

    // switching view by its tab, from the last view back to the first
    const first = VIEW_CASES[0];
    const t0 = Date.now();
    await page.getByRole("navigation", { name: "Views" }).getByRole("link", { name: "History" }).click();
    await waitForView(page, { scatter: 1 }, remaining());
    log(`view switch technicals → history: ${Date.now() - t0} ms`);
    if (!(await page.evaluate(() => window.location.search)).startsWith("?view=history")) {
      failures.push(`the History tab did not write ?view=history (first case: ${first.search})`);
    }

    await page.setViewportSize({ width: 375, height: 800 });
    for (const { view, search, traces } of VIEW_CASES) {
      await page.goto(`${base}${search}`, { waitUntil: "domcontentloaded", timeout: remaining() });
      await waitForView(page, traces, remaining());
      const extra = await overflow(page);
      if (extra > 1) failures.push(`${view}: at 375 px the page is ${extra} px wider than the screen`);
      if (folder) await saveScreenshot(page, join(folder, `${view}-375.png`), log);
    }
    if (failures.length) throw new Error(failures.join(" || "));
  });
}

if (isEntryPoint(import.meta.url)) {
  await runCheck("node e2e/views.mjs <http://host:port/> [screenshot-dir]", checkViews);
}
