#!/usr/bin/env node
/**
 * Browser check of the API's self-hosted Swagger UI: GET <url> (the API's /docs) must render
 * the operations list using only same-origin requests, expanding an operation must show its
 * documented responses (ours, not FastAPI's 422), and "Try it out" must run a request.
 *
 *   node e2e/docs.mjs <http://host:port/docs> [screenshot.png]
 *
 * Exits 0 on success, 1 with a one-line reason on failure or timeout, 2 on bad usage.
 */
import { saveScreenshot, withPage } from "./browser.mjs";
import { isEntryPoint, runCheck } from "./cli.mjs";

/** An operation every build of the API documents. */
const OPERATION = "/api/v1/indicators/{series_id}/observations";

export async function checkDocs(url, { screenshot = null, timeoutMs = 60_000, log = console.log } = {}) {
  const started = Date.now();
  const remaining = () => Math.max(1_000, timeoutMs - (Date.now() - started));
  const origin = new URL(url).origin;
  const offsite = new Set();
  const fatalPrefixes = ["page error", "request failed"];
  await withPage({ width: 1280, height: 900 }, { log, fatalPrefixes }, async (page, problems) => {
    page.on("request", (req) => {
      const target = req.url();
      if (/^https?:/.test(target) && new URL(target).origin !== origin) offsite.add(target);
    });
    page.on("requestfailed", (req) => problems.push(`request failed: ${req.url()}`));

    const response = await page.goto(url, { waitUntil: "domcontentloaded", timeout: remaining() });
    if (!response || !response.ok()) throw new Error(`GET ${url} answered HTTP ${response?.status() ?? "nothing"}`);

    const operations = page.locator(".opblock-summary-path");
    await operations.first().waitFor({ state: "visible", timeout: remaining() });
    const paths = await operations.evaluateAll((els) => els.map((el) => el.textContent.replace(/\u200b/g, "")));
    log(`operations rendered: ${paths.length}`);
    if (!paths.includes(OPERATION)) throw new Error(`${OPERATION} is not listed (saw ${paths.join(", ")})`);
    const errors = await page.locator(".errors-wrapper").count();
    if (errors) throw new Error(`Swagger UI reports ${errors} error block(s) on the document`);

    await page.locator(".opblock-summary", { hasText: OPERATION }).first().click();
    const codes = page.locator(".opblock.is-open .responses-table .response-col_status");
    await codes.first().waitFor({ state: "visible", timeout: remaining() });
    const statuses = (await codes.allTextContents()).map((t) => t.trim());
    log(`responses of ${OPERATION}: ${statuses.join(", ")}`);
    for (const want of ["200", "400", "404"]) {
      if (!statuses.some((s) => s.startsWith(want))) throw new Error(`response ${want} is not documented`);
    }
    if (statuses.some((s) => s.startsWith("422"))) throw new Error("FastAPI's 422 is still documented");

    // "Try it out" runs a request from the page: the document's paths reach this server.
    const health = page.locator(".opblock", { has: page.locator(".opblock-summary-path", { hasText: "/healthz" }) });
    await health.locator(".opblock-summary").click();
    await health.locator(".try-out__btn").click({ timeout: remaining() });
    await health.locator(".execute").click({ timeout: remaining() });
    const live = health.locator(".live-responses-table tr.response .response-col_status").first();
    await live.waitFor({ state: "visible", timeout: remaining() });
    const status = (await live.textContent()).trim().split(/\s+/)[0];
    const answer = await health.locator(".live-responses-table tr.response .microlight").first().textContent();
    log(`try it out: GET /healthz answered ${status}`);
    if (!/^(200|503)$/.test(status) || !answer.includes('"database"')) {
      throw new Error(`try it out: GET /healthz answered ${status}: ${answer}`);
    }

    if (screenshot) await saveScreenshot(page, screenshot, log, { fullPage: true });
    if (offsite.size) throw new Error(`the page requested other origins: ${[...offsite].join(", ")}`);
  });
}

if (isEntryPoint(import.meta.url)) {
  await runCheck("node e2e/docs.mjs <http://host:port/docs> [screenshot.png]", checkDocs);
}
