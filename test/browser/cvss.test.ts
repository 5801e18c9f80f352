import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeActor } from "../helpers/actors.ts";
import {
  type LiveServer,
  launchChromium,
  SCREENSHOT_DIR,
  signInPage,
  startLiveServer,
} from "../helpers/browser.ts";

/**
 * The CVSS calculator in Chromium: with JavaScript on, every change asks the server for the new score; with
 * JavaScript off, Preview posts the form and the page comes back with it. Then the score is saved and the
 * severity history shows it.
 */
describe("CVSS calculator in Chromium", { timeout: 120_000 }, () => {
  let live: LiveServer;
  let browser: Browser;
  let withJs: BrowserContext;
  let withoutJs: BrowserContext;
  let reference = "";

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    live = await startLiveServer("pglite");
    const admin = await makeActor(live.t, "admin", "Admin");
    await live.t.services.settings.updateOrg(admin.id, {
      ...(await live.t.services.settings.org()),
      severitySource: "cvss",
    });
    await makeActor(live.t, "responder", "Rita");
    const fields = {
      title: "Stored XSS in profile bio",
      asset: "other",
      weakness: "CWE-79",
      description: "The profile bio is rendered without escaping, so any HTML in it runs for visitors.",
      steps: "1. Put <script>alert(1)</script> in your bio.\n2. Open your profile as another user.",
      impact: "Session theft of anyone who views the profile.",
      credit: "anonymous",
    };
    reference = (await live.t.services.reports.submit(fields, [], "web")).report.reference;
    browser = await launchChromium();
    withJs = await browser.newContext({ javaScriptEnabled: true, viewport: { width: 1280, height: 900 } });
    withoutJs = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 900 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  const signIn = async (context: BrowserContext): Promise<Page> => {
    const page = await signInPage(live, context, {
      email: "rita@example.org",
      password: "Rita-password-long",
    });
    await page.goto(`${live.url}/reports/${reference}`);
    return page;
  };
  const score = (page: Page) => page.locator("#cvss-preview .cvss-score").textContent();

  it("with JavaScript on, changing a select updates the score live", async () => {
    const page = await signIn(withJs);
    const calculator = page.locator("details#cvss");
    if (!(await calculator.getAttribute("open"))) await calculator.locator(":scope > summary").click();
    const base = { AV: "N", AC: "L", PR: "N", UI: "N", S: "U", C: "H", I: "H", A: "H" };
    for (const [code, value] of Object.entries(base)) await page.selectOption(`#cvss-m_${code}`, value);
    await expect.poll(() => score(page)).toBe("9.8");
    expect(await page.inputValue("#cvss-vector")).toBe("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
    await page.selectOption("#cvss-m_A", "N");
    await expect.poll(() => score(page)).toBe("9.1");
    await expect
      .poll(() => page.inputValue("#cvss-vector"))
      .toBe("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N");
    expect(page.url()).not.toContain("done=");

    // A pasted 4.0 vector switches the version and fills the selects.
    await page.fill("#cvss-vector", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N");
    await page.locator("#cvss-vector").dispatchEvent("change");
    await expect.poll(() => score(page)).toBe("9.3");
    expect(await page.inputValue("#cvss-version")).toBe("4.0");
    expect(await page.inputValue("#cvss-m_VC")).toBe("H");
    await page.screenshot({ path: "/tmp/cvss-calculator-js.png", fullPage: true });
    await calculator.screenshot({ path: path.join(SCREENSHOT_DIR, "cvss-calculator-js.png") });
    await calculator.screenshot({ path: "/tmp/cvss-calculator-live.png" });
    // Nothing was saved by the live preview.
    expect((await live.t.services.reports.teamView(reference)).severityHistory).toHaveLength(0);
  });

  it("with JavaScript off, Preview shows the score after submit, and Set severity saves it to the history", async () => {
    const page = await signIn(withoutJs);
    const calculator = page.locator("details#cvss");
    if (!(await calculator.getAttribute("open"))) await calculator.locator(":scope > summary").click();
    const base = { AV: "N", AC: "L", PR: "L", UI: "N", S: "U", C: "H", I: "N", A: "N" };
    for (const [code, value] of Object.entries(base)) await page.selectOption(`#cvss-m_${code}`, value);
    expect(await page.locator("#cvss-preview .cvss-score").count()).toBe(0);
    await calculator.getByRole("button", { name: "Preview" }).click();
    await page.waitForLoadState("load");
    expect(await score(page)).toBe("6.5");
    expect(await page.locator("#cvss-preview").textContent()).toContain("Medium");
    expect(await page.inputValue("#cvss-vector")).toBe("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N");
    expect((await live.t.services.reports.teamView(reference)).severityHistory).toHaveLength(0);
    await calculator.screenshot({ path: "/tmp/cvss-calculator-nojs.png" });

    await page.fill("#cvss-reason", "Any signed-in user can read other users' data.");
    await calculator.getByRole("button", { name: "Set severity" }).click();
    await page.waitForURL(/done=set_severity/);
    expect(await page.locator(".report-head .badge.sev-medium").count()).toBe(1);
    const history = page.locator("ol.severity-history li");
    expect(await history.count()).toBe(1);
    const entry = await history.first().textContent();
    expect(entry).toContain("CVSS");
    expect(entry).toContain("6.5");
    expect(entry).toContain("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N");
    expect(entry).toContain("by Rita");
    expect(entry).toContain("Any signed-in user can read other users' data.");
    await page.locator("#severity").screenshot({ path: "/tmp/cvss-history.png" });
  });
});
