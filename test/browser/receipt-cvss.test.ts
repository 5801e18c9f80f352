import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeActor } from "../helpers/actors.ts";
import {
  type LiveServer,
  launchChromium,
  screenshot,
  signInPage,
  startLiveServer,
} from "../helpers/browser.ts";
import { raiseIntakeLimits } from "../helpers/intake-limits.ts";

const VALID = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:N";

async function fillReport(page: Page, title: string) {
  await page.fill("#title", title);
  await page.selectOption("#asset", "other");
  await page.fill("#description", "The export endpoint returns other tenants' invoices by id.");
  await page.fill("#steps", "1. Sign in as tenant A.\n2. GET /export/1234 where 1234 is tenant B's invoice.");
  await page.fill("#impact", "Any tenant reads every other tenant's invoices.");
  await page.fill("#affectedVersions", "4.2.0\n>= 4.0, < 4.2.3");
}

/**
 * The researcher's side in Chromium: the proposed CVSS vector is checked while it is typed, the error summary
 * of an encrypted submission keeps the form's order, the receipt comes after a redirect with a working copy
 * button, and a reload of it never shows the link again.
 */
describe("the researcher's form, receipt and tracking page in Chromium", { timeout: 180_000 }, () => {
  let live: LiveServer;
  let browser: Browser;

  beforeAll(async () => {
    live = await startLiveServer("pglite");
    await raiseIntakeLimits(live.t, { minStepsLength: 30 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it("validates a proposed vector live with the server's parser, as it is typed", async () => {
    const context = await browser.newContext({ javaScriptEnabled: true });
    const page = await context.newPage();
    await page.goto(`${live.url}/report`);
    await page.fill("#cvss", "CVSS:3.1/AV:N/AC:L");
    await expect
      .poll(() => page.textContent("#cvss-check"), { timeout: 10_000 })
      .toMatch(/^Invalid CVSS vector: .+\.$/);
    await page.fill("#cvss", VALID);
    await expect
      .poll(() => page.textContent("#cvss-check"), { timeout: 10_000 })
      .toMatch(/Valid CVSS 3\.1 vector: base score 8\.2\s*High/);
    await page.fill("#cvss", "");
    await expect
      .poll(() => page.textContent("#cvss-check"), { timeout: 10_000 })
      .toContain("No vector given");
    await context.close();
  });

  it("lists an encrypted submission's errors in form order, like the server does", async () => {
    const context = await browser.newContext({ javaScriptEnabled: true });
    const page = await context.newPage();
    await page.goto(`${live.url}/report`);
    await expect.poll(() => page.textContent("#encryption-note"), { timeout: 30_000 }).toMatch(/fingerprint/);
    await fillReport(page, "Summary order check");
    await page.fill("#steps", "Too short.");
    await page.fill("#cvss", "CVSS:3.1/AV:N");
    await page.getByRole("button", { name: "Send report" }).click();
    await page.waitForSelector("#error-summary", { timeout: 60_000 });
    // The server names cvss before steps (steps are checked against the admin's minimum later); the page sorts.
    const links = await page
      .locator("#error-summary a")
      .evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(links).toEqual(["#steps", "#cvss"]);
    expect(await page.getAttribute("#cvss", "aria-invalid")).toBe("true");
    expect(await page.inputValue("#cvss")).toBe("CVSS:3.1/AV:N");
    await page.setViewportSize({ width: 390, height: 900 });
    await screenshot(page, "researcher-form-errors-390");
    await page
      .locator("fieldset.proposal")
      .screenshot({ path: "test-results/screenshots/researcher-proposal-390.png" });
    await context.close();
  });

  it("redirects to a receipt with a copy button that copies the link, and a reload does not show it again", async () => {
    const context = await browser.newContext({
      javaScriptEnabled: true,
      viewport: { width: 1280, height: 900 },
    });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: live.url });
    const page = await context.newPage();
    // The plain form (OpenPGP.js blocked) posts and follows the 303; the encrypted path opens the same URL.
    await page.route("**/static/vendor/**", (route) => route.abort());
    await page.goto(`${live.url}/report`);
    await fillReport(page, "Receipt copy check");
    await page.fill("#cvss", VALID);
    await screenshot(page, "researcher-form-1280");
    await page.getByRole("button", { name: "Send report" }).click();
    await page.waitForURL(/\/report\/receipt\/[A-Za-z0-9_-]{22}$/, { timeout: 60_000 });
    const receiptUrl = page.url();
    const link = ((await page.textContent("#tracking-url")) ?? "").trim();
    expect(link).toMatch(/\/r\/[A-Za-z0-9_-]{22}$/);
    const font = await page.$eval("#tracking-url", (el) => getComputedStyle(el).fontFamily);
    expect(font).toMatch(/DejaVu Sans Mono/);
    const copy = page.getByRole("button", { name: "Copy link" });
    expect(await copy.isVisible()).toBe(true);
    await copy.click();
    await expect.poll(() => page.textContent(".copy-status")).toBe("Copied.");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await screenshot(page, "researcher-receipt-1280");
    await page.setViewportSize({ width: 390, height: 900 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, "researcher-receipt-390");

    await page.reload();
    expect(await page.textContent("h1")).toBe("The tracking link was already shown");
    expect(await page.locator("#tracking-url").count()).toBe(0);
    expect(page.url()).toBe(receiptUrl);
    await screenshot(page, "researcher-receipt-gone-390");
    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(page, "researcher-receipt-gone-1280");

    // The tracking page shows the proposal; once the team sets a severity it shows that with its score.
    const reference = (await live.t.services.reports.reporterView(link.split("/r/")[1]!))!.reference;
    const admin = await makeActor(live.t, "admin", "Triager");
    const org = await live.t.services.settings.org();
    await live.t.services.settings.updateOrg(admin.id, { ...org, severitySource: "cvss" });
    await live.t.services.reports.act(admin, reference, {
      action: "set_severity",
      cvss: "CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:L/I:L/A:N",
      reason: null,
    });
    await page.goto(link);
    expect(await page.textContent("#severity")).toMatch(/Our severity assessment\s*Medium\s*4\.2/);
    await screenshot(page, "researcher-tracking-1280");
    // The page's width at 390 px (its file input) is the layout work's, checked by its width test.
    await page.setViewportSize({ width: 390, height: 900 });
    await screenshot(page, "researcher-tracking-390");

    // The team's severity panel shows the proposal beside its score.
    const team = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const teamPage = await signInPage(live, team, { email: admin.email, password: admin.password });
    await teamPage.goto(`${live.url}/reports/${reference}#severity`);
    expect(await teamPage.textContent("#reporter-proposal")).toMatch(/Proposed by the reporter/);
    await teamPage
      .locator("#severity")
      .screenshot({ path: "test-results/screenshots/team-severity-proposal-1280.png" });
    await teamPage.setViewportSize({ width: 390, height: 900 });
    await teamPage
      .locator("#severity")
      .screenshot({ path: "test-results/screenshots/team-severity-proposal-390.png" });
    await team.close();
    await context.close();
  });

  it("hides the copy button without JavaScript; the link stays selectable text", async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 900 },
    });
    const page = await context.newPage();
    await page.goto(`${live.url}/report`);
    await fillReport(page, "Receipt without JavaScript");
    await screenshot(page, "researcher-form-nojs-390");
    await page.getByRole("button", { name: "Send report" }).click();
    await page.waitForURL(/\/report\/receipt\//, { timeout: 60_000 });
    expect(((await page.textContent("#tracking-url")) ?? "").trim()).toMatch(/\/r\//);
    expect(await page.locator("button[data-copy]").isVisible()).toBe(false);
    await context.close();
  });
});
