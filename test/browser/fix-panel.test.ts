import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, makeTeam } from "../helpers/actors.ts";
import {
  type LiveServer,
  launchChromium,
  SCREENSHOT_DIR,
  screenshot,
  signInPage,
  startLiveServer,
} from "../helpers/browser.ts";
import { seedFixRepositoryReport } from "../helpers/fix-repo.ts";

/**
 * The fix repository panel in Chromium with JavaScript off, on a wide screen and a phone: a responder reads the
 * commits, the stale verification and the diff, and verifies the moved head with the panel's form. Screenshots
 * of both widths land in test-results/screenshots to be looked at.
 */
describe("the fix repository panel in Chromium", { timeout: 120_000 }, () => {
  let live: LiveServer;
  let browser: Browser;
  let alice: Actor;
  let reference = "";

  beforeAll(async () => {
    live = await startLiveServer("pglite");
    const team = await makeTeam(live.t);
    alice = team.alice;
    ({ reference } = await seedFixRepositoryReport(live.t, {
      responder: team.alice,
      pusher: team.bob,
      verifier: team.admin,
    }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  for (const [label, viewport] of [
    ["wide", { width: 1280, height: 900 }],
    ["phone", { width: 390, height: 844 }],
  ] as const) {
    it(`fits a ${label} screen (${viewport.width} px) without JavaScript`, async () => {
      const context = await browser.newContext({ viewport, javaScriptEnabled: false });
      const page = await signInPage(live, context, alice);
      await page.goto(`${live.url}/reports/${reference}`);
      const panel = page.locator("#fix-repository");
      expect(await panel.locator(".badge", { hasText: "Stale" }).count()).toBe(1);
      expect(await panel.locator("#fix-clone-url").inputValue()).toBe(`${live.url}/git/${reference}.git`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, "the page scrolls sideways").toBeLessThanOrEqual(viewport.width);
      await panel.scrollIntoViewIfNeeded();
      await screenshot(page, `fix-panel-${label}`);
      await panel.screenshot({ path: path.join(SCREENSHOT_DIR, `fix-panel-${label}-panel.png`) });
      // The panel's head (clone URL, commits, verifications, form) at a size a person reads at once.
      const box = (await panel.boundingBox())!;
      const scrolled = await page.evaluate(() => window.scrollY);
      await page.screenshot({
        path: path.join(SCREENSHOT_DIR, `fix-panel-${label}-head.png`),
        clip: { x: box.x, y: box.y + scrolled, width: box.width, height: Math.min(box.height, 900) },
        fullPage: true,
      });
      if (label === "wide") {
        await panel.getByRole("button", { name: /^Verify [0-9a-f]{7}$/ }).click();
        await page.waitForURL(/done=verify_fix/);
        expect(await page.locator("#done").textContent()).toContain(
          "Your verification of the fix is recorded.",
        );
        expect(await page.locator("#fix-repository .badge", { hasText: "Current" }).count()).toBe(1);
        await screenshot(page, "fix-panel-verified-wide");
      }
      await context.close();
    });
  }
});
