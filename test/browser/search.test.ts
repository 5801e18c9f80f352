import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeActor, reportFields } from "../helpers/actors.ts";
import { type LiveServer, launchChromium, SCREENSHOT_DIR, startLiveServer } from "../helpers/browser.ts";

/**
 * A responder searches the inbox for words that are only in report bodies and notes, opens a report whose
 * "Similar reports" panel names the earlier report, and marks it as a duplicate through the panel's link,
 * with JavaScript disabled in Chromium.
 */
describe("search and similar reports in Chromium", { timeout: 120_000 }, () => {
  let live: LiveServer;
  let browser: Browser;
  let page: Page;
  let first: string;
  let second: string;

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    live = await startLiveServer("pglite");
    const admin = await makeActor(live.t, "admin", "Admin");
    const rita = await makeActor(live.t, "responder", "Rita");
    const asset = await live.t.services.assets.create(admin.id, {
      name: "Acme web app",
      identifier: "https://app.acme.example",
      kind: "web",
      inScope: true,
      tags: "web",
    });
    const submit = async (fields: Record<string, unknown>) =>
      (await live.t.services.reports.submit(reportFields(fields), [], "web")).report;
    first = (
      await submit({
        title: "Stored XSS in profile bio",
        asset: asset.id,
        description:
          "The profile bio is rendered without escaping, so <img src=x onerror=alert(document.domain)> runs for every visitor of the profile page.",
        steps:
          "1. Edit your profile bio and paste the payload.\n2. Open your public profile in another browser.",
        impact: "Session theft of anyone viewing the profile.",
        name: "Early Researcher",
        credit: "name",
      })
    ).reference;
    await submit({
      title: "Open redirect on logout",
      description: "The logout endpoint redirects to any URL in the next parameter without checking it.",
    });
    await submit({
      title: "Missing rate limit on login",
      description: "The login form accepts unlimited password attempts, so accounts can be brute-forced.",
    });
    live.t.clock.advance(3_600_000);
    const dup = await submit({
      title: "XSS via profile biography field",
      asset: asset.id,
      description:
        "Script in the profile biography is not escaped: an onerror handler in an img tag runs when the profile page is viewed.",
      steps: "Put <img src=x onerror=alert(1)> in the biography and view the public profile page.",
      credit: "anonymous",
    });
    second = dup.reference;
    await live.t.services.reports.postMessage(rita, dup.id, {
      body: "Internal: same root cause as the sanitizer regression in the markdown renderer.",
      visibility: "internal",
    });
    browser = await launchChromium();
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 900 },
    });
    page = await context.newPage();
    await page.goto(`${live.url}/login`);
    await page.fill("#login-email", "rita@example.org");
    await page.fill("#login-password", "Rita-password-long");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/inbox/);
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  const shot = async (name: string) => {
    const file = path.join(SCREENSHOT_DIR, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };

  it("searches report text and internal notes from the inbox, with highlighted snippets", async () => {
    await page.fill("#filter-q", "onerror profile");
    await page.locator("#filter-q").press("Enter");
    await page.waitForURL(/q=onerror/);
    const rows = page.locator("table.inbox tbody tr");
    expect(await rows.count()).toBe(2);
    expect(await page.locator("table.inbox mark").count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator("table.inbox img").count()).toBe(0); // the payload is text, not markup
    await shot("search-inbox");

    await page.fill("#filter-q", "sanitizer regression");
    await page.locator("#filter-q").press("Enter");
    await page.waitForURL(/q=sanitizer/);
    expect(await page.locator("table.inbox tbody tr").count()).toBe(1);
    expect(await page.locator(".snippet").first().textContent()).toContain("In an internal note:");
    await shot("search-inbox-note");
  });

  it("shows similar reports on the report page and marks the duplicate through the panel's link", async () => {
    await page.goto(`${live.url}/reports/${second}`);
    const panel = page.locator("#similar");
    expect(await panel.textContent()).toContain(first);
    const firstItem = panel.locator("ol.similar li").first();
    expect(await firstItem.textContent()).toContain(first);
    await shot("similar-reports");
    await firstItem.getByRole("link", { name: `Mark as duplicate of ${first}` }).click();
    expect(await page.locator("#duplicate-of").inputValue()).toBe(first);
    await page.fill("#duplicate-message", "Thank you! This was reported shortly before yours.");
    await page.locator("#action-mark_duplicate").getByRole("button", { name: "Mark as duplicate" }).click();
    await page.waitForURL(/done=mark_duplicate/);
    await page.goto(`${live.url}/reports/${first}`);
    const original = await page.locator("#duplicates").textContent();
    expect(original).toContain("Duplicates of this report");
    expect(original).toContain(second);
    expect(original).toContain("First reported by Early Researcher");
    await shot("duplicates-on-original");
  });
});
