import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type LiveServer,
  launchChromium,
  screenshot,
  signInPage,
  startLiveServer,
} from "../helpers/browser.ts";
import { openReleaseWorld } from "../helpers/release-world.ts";

describe("planning a release in Chromium with JavaScript off", () => {
  let live: LiveServer;
  let browser: Browser;

  beforeAll(async () => {
    live = await startLiveServer("pglite");
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it("plans a release from the form, keeps what was typed on a refusal, and shows the checklist", async () => {
    const world = await openReleaseWorld(live.t);
    const report = await world.fixReadyReport();
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 900 },
    });
    const page = await signInPage(live, context, world.team.alice);
    await page.goto(`${live.url}/releases/new?reports=${report.ref}`);
    expect(await page.inputValue("#release-reports")).toBe(report.ref);
    await page.fill("#release-version", "2.4.1");
    await page.fill("#release-publish-at", "2020-01-01T10:00Z");
    await page.getByRole("button", { name: "Plan the release" }).click();
    expect(await page.textContent("body")).toContain("has passed; choose a time in the future");
    expect(await page.inputValue("#release-version")).toBe("2.4.1");
    await screenshot(page, "release-new-refused-1280");
    await page.setViewportSize({ width: 390, height: 800 });
    await screenshot(page, "release-new-refused-390");
    await page.setViewportSize({ width: 1280, height: 900 });
    const publishAt = new Date(live.t.clock().getTime() + 72 * 3_600_000).toISOString().slice(0, 16);
    await page.fill("#release-publish-at", publishAt);
    await page.getByRole("button", { name: "Plan the release" }).click();
    await page.waitForURL(/\/releases\/[0-9a-f-]{36}\?done=created/);
    const text = (await page.textContent("body")) ?? "";
    expect(text).toContain("Release 2.4.1");
    expect(text).toContain("Security release");
    expect(text).toContain("Not yet");
    await page.fill("#action-add_item-label", "Tell the docs team");
    await page.getByRole("button", { name: "Add an item" }).click();
    await page.getByRole("button", { name: "Schedule", exact: true }).click();
    expect(await page.textContent("body")).toContain("Finish them, or give the reason to schedule anyway.");
    await screenshot(page, "release-page-1280");
    await page.setViewportSize({ width: 390, height: 800 });
    await screenshot(page, "release-page-390");
    await context.close();
  }, 120_000);
});
