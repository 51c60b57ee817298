#!/usr/bin/env node
/**
 * Signing in, in headless Chromium against a server that requires tokens: the page opens on
 * the sign-in form; a wrong password is refused in words; the right one opens the dashboard,
 * whose chart and live trends strip (a websocket signed in through connection_init) then load.
 * Signing out returns to the form.
 *
 *   E2E_USER=ana E2E_PASSWORD=… node e2e/sign-in.mjs <url> [screenshot.png]
 */
import { saveScreenshot, withPage } from "./browser.mjs";
import { isEntryPoint, runCheck } from "./cli.mjs";
import { waitForView } from "./views.mjs";

export async function checkSignIn(url, { screenshot = null, timeoutMs = 60_000, log = console.log } = {}) {
  const user = process.env.E2E_USER;
  const password = process.env.E2E_PASSWORD;
  if (!user || !password) throw new Error("set E2E_USER and E2E_PASSWORD");
  await withPage({ width: 1280, height: 900 }, { log, fatalPrefixes: ["page error"] }, async (page) => {
    await page.goto(url, { waitUntil: "domcontentloaded", timeout: timeoutMs });
    await page.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: timeoutMs });
    if (screenshot) await saveScreenshot(page, screenshot, log);

    await page.getByLabel("User name").fill(user);
    await page.getByLabel("Password").fill(`${password}-wrong`);
    await page.getByRole("button", { name: "Sign in" }).click();
    const refusal = page.getByRole("alert");
    await refusal.waitFor({ timeout: timeoutMs });
    const said = (await refusal.textContent()) ?? "";
    if (!said.includes("Wrong user name or password")) throw new Error(`a wrong password was answered with: ${said}`);
    log(`wrong password: "${said.trim()}"`);

    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await waitForView(page, { scatter: 1 }, timeoutMs);
    await page.getByText(`Signed in as ${user}`).waitFor({ timeout: timeoutMs });
    await page.waitForFunction(
      () => /version \d+/.test(document.querySelector('[data-testid="data-as-of"]')?.textContent ?? ""),
      null,
      { timeout: timeoutMs },
    );
    const stored = await page.evaluate(() => window.localStorage.length + window.sessionStorage.length);
    if (stored !== 0) throw new Error("the token was written to page storage");
    log("signed in: chart and trends strip loaded");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor({ timeout: timeoutMs });
    log("signed out: back on the form");
  });
}

if (isEntryPoint(import.meta.url)) {
  await runCheck("E2E_USER=… E2E_PASSWORD=… node e2e/sign-in.mjs <http://host:port/> [screenshot.png]", checkSignIn);
}
