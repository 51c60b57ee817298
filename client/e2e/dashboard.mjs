#!/usr/bin/env node
/**
 * Browser check of the dashboard against a running server (the real API or the mock):
 * the page must plot a chart with data, and switching indicator must redraw it.
 *
 *   node e2e/dashboard.mjs <url> [screenshot.png]
 *   CHROMIUM_PATH=/usr/bin/chromium E2E_TIMEOUT_MS=60000 node e2e/dashboard.mjs http://127.0.0.1:8000/
 *
 * Exits 0 on success, 1 with a one-line reason on failure or timeout, 2 on bad usage.
 */
import { saveScreenshot, withPage } from "./browser.mjs";
import { isEntryPoint, runCheck } from "./cli.mjs";

/** Snapshot of what the page shows, read in the browser. */
function readChart() {
  const alert = document.querySelector('[role="alert"]');
  const plot = document.querySelector(".js-plotly-plot");
  const svg = plot?.querySelector(".main-svg") ?? null;
  const lines = plot ? [...plot.querySelectorAll(".scatterlayer .trace path.js-line")] : [];
  const fills = plot ? [...plot.querySelectorAll(".scatterlayer .trace path.js-fill")] : [];
  // A Plotly line path is "M x,y L x,y ..." — count segments as a proxy for points drawn.
  const segments = lines.map((p) => (p.getAttribute("d") ?? "").split(/[ML]/).filter(Boolean).length);
  return {
    alert: alert ? (alert.innerText || alert.textContent || "").replace(/\s+/g, " ").trim() : null,
    hasSvg: svg !== null,
    heading: document.querySelector(".chart-heading h2")?.textContent?.trim() ?? null,
    busy: document.querySelector(".indicator-view")?.getAttribute("aria-busy") === "true",
    historyPath: lines[0]?.getAttribute("d") ?? "",
    segments,
    fills: fills.filter((p) => (p.getAttribute("d") ?? "").length > 10).length,
  };
}

/** The model-selection panel under the chart, or null when the indicator has no forecast. */
function readSelection() {
  const region = document.querySelector('section[aria-label="Model selection"]');
  if (!region) return null;
  return {
    loading: region.querySelector('[role="status"]') !== null,
    summary: (region.querySelector(".selection-summary")?.textContent ?? "").replace(/\s+/g, " ").trim(),
    rows: region.querySelectorAll("tbody tr").length,
    chosenRows: region.querySelectorAll("tbody tr.chosen").length,
    cutoffs: region.querySelectorAll(".cutoff").length,
  };
}

/** Waits until the selection panel (if any) has loaded; logs what it shows. */
async function waitForSelection(page, timeoutMs, log) {
  const deadline = Date.now() + timeoutMs;
  let state = null;
  while (Date.now() < deadline) {
    state = await page.evaluate(readSelection);
    if (state === null || !state.loading) break;
    await page.waitForTimeout(100);
  }
  if (state === null) {
    log("model selection: none (no forecast shown)");
  } else if (state.loading) {
    throw new Error(`the model selection did not load within ${timeoutMs} ms`);
  } else {
    if (state.rows > 0 && state.chosenRows !== 1) throw new Error(`model selection highlights ${state.chosenRows} rows, expected 1`);
    log(`model selection: "${state.summary}" — ${state.rows} candidate(s), ${state.cutoffs} cutoff(s)`);
  }
}

function plotted(state) {
  return state.hasSvg && !state.busy && (state.segments[0] ?? 0) >= 2;
}

async function waitForChart(page, timeoutMs, previous = null) {
  const deadline = Date.now() + timeoutMs;
  let state = null;
  while (Date.now() < deadline) {
    state = await page.evaluate(readChart);
    if (state.alert) throw new Error(`the page shows an error: ${state.alert}`);
    const changed = previous === null || (state.heading !== previous.heading && state.historyPath !== previous.historyPath);
    if (plotted(state) && changed) return state;
    await page.waitForTimeout(200);
  }
  const seen = state ? JSON.stringify({ ...state, historyPath: `${state.historyPath.length} chars` }) : "nothing";
  throw new Error(`no ${previous ? "updated " : ""}chart with data within ${timeoutMs} ms (last seen: ${seen})`);
}

export async function checkDashboard(url, { screenshot = null, timeoutMs = 60_000, log = console.log } = {}) {
  const started = Date.now();
  const remaining = () => Math.max(1_000, timeoutMs - (Date.now() - started));
  const viewport = { width: 1280, height: 860 };
  await withPage(viewport, { log, fatalPrefixes: ["page error"] }, async (page, problems) => {
    page.on("response", (res) => {
      if (res.url().endsWith("/graphql") && res.status() >= 400) problems.push(`/graphql answered HTTP ${res.status()}`);
    });

    const response = await page.goto(url, { waitUntil: "domcontentloaded", timeout: remaining() });
    if (!response || !response.ok()) throw new Error(`GET ${url} answered HTTP ${response?.status() ?? "nothing"}`);

    const first = await waitForChart(page, remaining());
    log(`chart: "${first.heading}" — ${first.segments.length} line trace(s), ${first.segments[0]} history points, ${first.fills} band(s)`);
    await waitForSelection(page, Math.min(remaining(), 15_000), log);

    const select = page.getByLabel("Indicator", { exact: true });
    const options = await select.locator("option").evaluateAll((els) => els.map((el) => el.value));
    const current = await select.inputValue();
    const other = options.find((value) => value !== current);
    if (other) {
      await select.selectOption(other);
      const second = await waitForChart(page, remaining(), first);
      log(`switched ${current} → ${other}: "${second.heading}" — ${second.segments[0]} history points, ${second.fills} band(s)`);
      await waitForSelection(page, Math.min(remaining(), 15_000), log);
    } else {
      log("only one indicator is available; skipped the switch check");
    }

    if (screenshot) {
      await saveScreenshot(page, screenshot, log, { fullPage: true });
    }
  });
}

if (isEntryPoint(import.meta.url)) {
  await runCheck("node e2e/dashboard.mjs <http://host:port/> [screenshot.png]", checkDashboard);
}
