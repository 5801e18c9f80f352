import fs from "node:fs";
import type { Browser } from "playwright-core";
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
 * The inbox in Chromium with JavaScript off, at a desktop and a phone width: what needs the team (new report,
 * new message, reporter replied, waiting for us, likely duplicate), and the filters, which sit in one disclosure
 * on a phone and are always open on a wide screen.
 */
describe("the inbox in Chromium, JavaScript off", { timeout: 120_000 }, () => {
  let live: LiveServer;
  let browser: Browser;
  let rita: Actor;
  const refs: Record<string, string> = {};

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    live = await startLiveServer("pglite");
    await makeActor(live.t, "admin", "Admin");
    rita = await makeActor(live.t, "responder", "Rita");
    const submit = async (key: string, fields: Record<string, unknown>) => {
      const { report, token } = await live.t.services.reports.submit(reportFields(fields), [], "web");
      refs[key] = report.reference;
      live.t.clock.advance(3_600_000);
      return { reference: report.reference, token };
    };
    const answered = await submit("replied", {
      title: "Account takeover through the password reset token",
      description: "The reset token is predictable: it is the user's id and the hour, hashed with MD5.",
    });
    await live.t.services.reports.act(rita, answered.reference, { action: "acknowledge" });
    await submit("original", {
      title: "SQL injection in the billing export filter parameter",
      description: "The billing export's filter parameter is concatenated into the SQL query: SQL injection.",
      steps: "Request /billing/export?filter=' OR 1=1 -- and every customer's invoices come back.",
    });
    await submit("copy", {
      title: "SQL injection in billing export filter parameter",
      description:
        "The filter parameter of the billing export is concatenated into the SQL query: SQL injection.",
      steps: "Request /billing/export?filter=' OR 1=1 -- and the invoices of every customer come back.",
    });
    await live.t.services.reports.replyAsReporter(answered.token, {
      body: "Here is a script that predicts the next token.",
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it("shows what needs the team and keeps every filter one tap away at 390 px", async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      javaScriptEnabled: false,
    });
    const page = await signInPage(live, context, rita);
    const row = (key: string) =>
      page
        .locator("table.inbox tr", { has: page.locator(`a[href="/reports/${refs[key]}"]`).first() })
        .first();
    expect(await row("replied").textContent()).toContain("New message");
    expect(await row("copy").textContent()).toContain(`Likely duplicate of ${refs.original}`);
    expect(await row("original").textContent()).toContain("New report");
    expect(await row("original").textContent()).toContain("Waiting for us");
    // Wide: every filter shows, the disclosure's summary does not.
    expect(await page.locator("#filter-state").isVisible()).toBe(true);
    expect(await page.locator("details.filter-more > summary").isVisible()).toBe(false);
    await screenshot(page, "inbox-1280");

    // Opening a report reads it: the reply is no longer new to Rita, but it still waits for an answer.
    await page.goto(`${live.url}/reports/${refs.replied}`);
    expect(await page.locator("form.mark-unread button").textContent()).toBe("Mark as unread");
    await screenshot(page, "inbox-report-1280");
    await page.goto(`${live.url}/inbox`);
    expect(await row("replied").textContent()).toContain("Reporter replied");

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${live.url}/inbox`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    // Narrow: the filters fold into one disclosure; the search stays, and its placeholder fits.
    expect(await page.locator("details.filter-more > summary").isVisible()).toBe(true);
    expect(await page.locator("#filter-state").isVisible()).toBe(false);
    const fits = await page.locator("#filter-q").evaluate((input: HTMLInputElement) => {
      const probe = document.createElement("span");
      probe.style.cssText = "position:absolute;visibility:hidden;white-space:pre;font:inherit";
      probe.textContent = input.placeholder;
      input.parentElement!.appendChild(probe);
      const style = getComputedStyle(input);
      probe.style.font = style.font;
      const text = probe.getBoundingClientRect().width;
      probe.remove();
      const room =
        input.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
      return text <= room;
    });
    expect(fits).toBe(true);
    await screenshot(page, "inbox-390");

    // A filter with JavaScript off: open the disclosure, choose, submit the GET form.
    await page.click("details.filter-more > summary");
    await page.selectOption("#filter-sla", "team");
    await page.click("button[type=submit]:has-text('Apply filters')");
    await page.waitForURL(/sla=team/);
    expect(await page.locator("details.filter-more").getAttribute("open")).not.toBeNull();
    expect(await page.locator("details.filter-more > summary").textContent()).toContain("awaiting us");
    const listed = await page.locator("table.inbox tbody td.mono a").allTextContents();
    expect(listed.sort()).toEqual([refs.copy, refs.original, refs.replied].sort());
    await screenshot(page, "inbox-390-filtered");

    // "Mark as unread" from the report page, at phone width: back to the inbox, which says what happened.
    await page.goto(`${live.url}/reports/${refs.replied}`);
    await screenshot(page, "inbox-report-390");
    await page.click("form.mark-unread button");
    await page.waitForURL(/\/inbox\?unread=/);
    expect(await page.locator("#marked-unread").textContent()).toContain(
      `${refs.replied} is marked as unread`,
    );
    expect(await row("replied").textContent()).toContain("New message");
    await screenshot(page, "inbox-390-marked-unread");
    await context.close();
  });
});
