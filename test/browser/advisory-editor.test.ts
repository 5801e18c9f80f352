import fs from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, makeActor } from "../helpers/actors.ts";
import { advisoryBody, confirmedReportWithCvss } from "../helpers/advisory-drafts.ts";
import {
  type LiveServer,
  launchChromium,
  SCREENSHOT_DIR,
  screenshot,
  signInPage,
  startLiveServer,
} from "../helpers/browser.ts";

/**
 * The advisory editor in Chromium with JavaScript off: a responder previews the advisory, adds a product row and
 * shares the draft; the reporter reads it on the tracking page. Screenshots at 1280 and 390 px.
 */
describe("the advisory editor in Chromium", { timeout: 180_000 }, () => {
  let live: LiveServer;
  let browser: Browser;
  let alice: Actor;
  let report: { id: string; ref: string; token: string };
  let advisoryId = "";

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    live = await startLiveServer("pglite");
    await makeActor(live.t, "admin", "Admin");
    alice = await makeActor(live.t, "responder", "Alice");
    report = await confirmedReportWithCvss(live.t, alice);
    advisoryId = (
      await live.t.services.advisories.create(
        alice,
        advisoryBody([report.ref], {
          details:
            "The preview endpoint renders the comment body as HTML. A comment containing a script tag runs in the session of anyone who opens the preview.",
          workarounds: "Disable comment previews in the forum settings.",
        }),
      )
    ).id;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  for (const width of [1280, 390]) {
    it(`edits, previews and shares without JavaScript at ${width} px`, async () => {
      const context = await browser.newContext({
        viewport: { width, height: 900 },
        javaScriptEnabled: false,
      });
      const page = await signInPage(live, context, alice);
      await page.goto(`${live.url}/manage/advisories/${advisoryId}`);
      await screenshot(page, `advisory-editor-${width}`);
      await page.getByRole("button", { name: "Preview" }).click();
      await page.waitForURL(/#preview$/);
      expect(await page.locator("#preview").textContent()).toContain("Disable comment previews");
      await screenshot(page, `advisory-preview-${width}`);
      await page.getByRole("button", { name: "Add a product" }).click();
      await page.waitForURL(/#product-/);
      expect(await page.locator("fieldset.advisory-product").count()).toBe(3);
      await page.goto(`${live.url}/manage/advisories`);
      await screenshot(page, `advisory-list-${width}`);
      if (width === 1280) {
        await page.goto(`${live.url}/manage/advisories/${advisoryId}`);
        await page.getByRole("button", { name: "Share with the reporter" }).click();
        await page.waitForURL(/done=shared/);
      }
      const reporter = await context.newPage();
      await reporter.goto(`${live.url}/r/${report.token}`);
      expect(await reporter.textContent("body")).toContain("Draft advisory");
      await screenshot(reporter, `advisory-tracking-draft-${width}`);
      await context.close();
    });
  }
});
