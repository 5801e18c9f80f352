import fs from "node:fs";
import type { Browser, BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, makeActor, reportFields } from "../helpers/actors.ts";
import {
  type LiveServer,
  launchChromium,
  SCREENSHOT_DIR,
  screenshot,
  signInPage,
  startLiveServer,
} from "../helpers/browser.ts";

/**
 * Needs-info in Chromium with JavaScript off: a responder asks the reporter a question from the report page, the
 * report page, the inbox and the reporter's page show the wait, and the reporter's answer ends it.
 */
describe("asking the reporter for information in Chromium", { timeout: 120_000 }, () => {
  let live: LiveServer;
  let browser: Browser;
  let rita: Actor;
  let reference = "";
  let token = "";

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    live = await startLiveServer("pglite");
    await makeActor(live.t, "admin", "Admin");
    rita = await makeActor(live.t, "responder", "Rita");
    const submitted = await live.t.services.reports.submit(reportFields(), [], "web");
    reference = submitted.report.reference;
    token = submitted.token;
    await live.t.services.reports.act(rita, reference, { action: "assign", assignee: rita.email });
    await live.t.services.reports.act(rita, reference, { action: "acknowledge" });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  const shot = screenshot;

  const signIn = (context: BrowserContext, who: Actor) => signInPage(live, context, who);

  it("asks from the report page, shows the wait everywhere, and the reporter's answer ends it", async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      javaScriptEnabled: false,
    });
    const page = await signIn(context, rita);
    await page.goto(`${live.url}/reports/${reference}`);
    await page.click("#action-request_info >> xpath=.. >> summary");
    await page.click("#action-request_info button[type=submit]"); // empty: the browser's required check stops it
    expect(page.url()).toContain(`/reports/${reference}`);
    await page.fill("#request-info-message", "Which browser and version did you use?");
    await page.click("#action-request_info button[type=submit]");
    await page.waitForURL(/done=request_info/);
    expect(await page.locator("#waiting-for-reporter").textContent()).toContain("Waiting for the reporter");
    expect(await page.locator("#action-request_info").count()).toBe(0);
    await shot(page, "needs-info-01-report-page");

    await page.goto(`${live.url}/inbox?sla=waiting`);
    expect(await page.locator("table.inbox").textContent()).toContain("Waiting for the reporter since");
    await shot(page, "needs-info-02-inbox");

    const reporter = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await reporter.setViewportSize({ width: 1280, height: 900 });
    await reporter.goto(`${live.url}/r/${token}`);
    expect(await reporter.locator("#needs-info").textContent()).toContain("needs more information from you");
    await shot(reporter, "needs-info-03-reporter");
    await reporter.click("#needs-info a[href='#reply-heading']");
    await reporter.fill("#body", "Firefox 128 on Debian.");
    await reporter.click("button[type=submit]:has-text('Send message')");
    await reporter.waitForURL(new RegExp(`/r/${token}`));
    expect(await reporter.locator("#needs-info").count()).toBe(0);

    await page.goto(`${live.url}/reports/${reference}`);
    expect(await page.locator("#waiting-for-reporter").count()).toBe(0);
    expect(await page.locator("#timeline").textContent()).toContain("The reporter answered");
    await shot(page, "needs-info-04-answered");
    await context.close();
  });
});
