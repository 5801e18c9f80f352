import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
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
 * Spam in Chromium: with JavaScript the confirmation opens in place (the URL does not change), without it on a
 * page of its own; either way the report is rejected only after the confirmation, and undo brings it back.
 */
describe("confirming spam and undoing it in Chromium", { timeout: 180_000 }, () => {
  let live: LiveServer;
  let browser: Browser;
  let rita: Actor;

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    live = await startLiveServer("pglite");
    await makeActor(live.t, "admin", "Admin");
    rita = await makeActor(live.t, "responder", "Rita");
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  /** A screenshot of one part of the page, to be looked at (the whole report page is long). */
  const shotOf = async (page: Page, selector: string, name: string) => {
    await page.locator(selector).screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
  };
  /**
   * How far an element's own content sticks out sideways, in CSS pixels (0 when it fits its box). The report page
   * around it has its own width checks; this one is about what the spam and undo boxes add.
   */
  const overflow = (page: Page, selector: string) =>
    page.locator(selector).evaluate((el) => el.scrollWidth - el.clientWidth);

  const newReport = async (title: string) => {
    const { report } = await live.t.services.reports.submit(reportFields({ title }), [], "web");
    await live.t.services.reports.act(rita, report.reference, { action: "assign", assignee: rita.email });
    await live.t.services.reports.act(rita, report.reference, { action: "acknowledge" });
    return report.reference;
  };

  it.each([1280, 390])(
    "with JS at %i px: confirms in place, rejects as spam, and undoes it",
    async (width) => {
      const reference = await newReport(`Cheap watches, seen at ${width} px`);
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await signInPage(live, context, rita);
      const url = `${live.url}/reports/${reference}`;
      await page.goto(url);
      await page.getByRole("link", { name: "Spam…" }).click();
      const confirm = page.locator("section#action-spam");
      await confirm.waitFor();
      expect(page.url()).toBe(url); // in place: no navigation
      expect(await confirm.textContent()).toContain(`Reject ${reference} as spam?`);
      const button = page.getByRole("button", { name: "Reject as spam" });
      expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);
      expect((await live.t.services.reports.teamView(reference)).state).toBe("acknowledged");
      await confirm.scrollIntoViewIfNeeded();
      await shotOf(page, "#actions", `spam-01-confirm-in-place-${width}`);
      expect(await overflow(page, "section#action-spam")).toBe(0);

      await button.click();
      await page.waitForURL(/done=reject/);
      expect(await page.locator("#done").textContent()).toContain("Nothing was sent to the sender.");
      expect((await live.t.services.reports.teamView(reference)).state).toBe("rejected");
      await shotOf(page, "#actions", `spam-02-rejected-${width}`);
      await shotOf(page, "#done", `spam-02-notice-${width}`);
      expect(await overflow(page, "#action-undo_rejection")).toBe(0);

      await page.getByRole("button", { name: "Undo rejection" }).click();
      await page.waitForURL(/done=undo_rejection/);
      expect(await page.locator("#done").textContent()).toContain("back in Acknowledged");
      expect((await live.t.services.reports.teamView(reference)).state).toBe("acknowledged");
      await shotOf(page, "#done", `spam-03-undone-${width}`);
      await context.close();
    },
  );

  it("without JS: the Spam link opens a confirmation page; Cancel leaves the report as it was", async () => {
    const reference = await newReport("Casino bonus, no JavaScript");
    const context = await browser.newContext({
      viewport: { width: 390, height: 900 },
      javaScriptEnabled: false,
    });
    const page = await signInPage(live, context, rita);
    await page.goto(`${live.url}/reports/${reference}`);
    await page.getByRole("link", { name: "Spam…" }).click();
    await page.waitForURL(/\/spam$/);
    expect(await page.locator("h1").textContent()).toBe("Reject as spam");
    await screenshot(page, "spam-04-confirm-page-390");
    await page.getByRole("link", { name: "Cancel" }).click();
    await page.waitForURL(new RegExp(`/reports/${reference}(#actions)?$`));
    expect((await live.t.services.reports.teamView(reference)).state).toBe("acknowledged");

    await page.getByRole("link", { name: "Spam…" }).click();
    await page.getByRole("button", { name: "Reject as spam" }).click();
    await page.waitForURL(/done=reject/);
    expect((await live.t.services.reports.teamView(reference)).state).toBe("rejected");
    await context.close();
  });
});
