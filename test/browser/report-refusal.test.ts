import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveServer, launchChromium, screenshot, startLiveServer } from "../helpers/browser.ts";
import { raiseIntakeLimits } from "../helpers/intake-limits.ts";
import { countRows } from "../helpers/public.ts";

/**
 * A refused report form without JavaScript, in Chromium: the post ends in a redirect to the form, which shows
 * the errors and what was typed once, asks for the file again, and a reload neither posts nor shows them again.
 */
describe("a refused report form in Chromium with JavaScript disabled", { timeout: 120_000 }, () => {
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

  it("redirects to the form with its errors and values, once, and a reload sends nothing", async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 900 },
    });
    const page = await context.newPage();
    const posts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST") posts.push(new URL(r.url()).pathname);
    });
    await page.goto(`${live.url}/report`);
    await page.fill("#title", "Broken export");
    await page.selectOption("#asset", "other");
    await page.fill("#description", "The export endpoint returns other tenants' invoices by id.");
    await page.fill("#steps", "Too short.");
    await page.fill("#impact", "Any tenant reads every other tenant's invoices.");
    await page.fill("#cvss", "CVSS:3.1/AV:X");
    await page.fill("#email", "researcher@example.net");
    await page.fill("#name", "r3searcher");
    await page.locator("input[name=credit][value=handle]").check();
    await page.setInputFiles("#attachments", {
      name: "poc.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("proof"),
    });
    // The browser's own checks pass and the server's do not: the steps are too short, the vector invalid.
    await page.getByRole("button", { name: "Send report" }).click();
    await page.waitForURL(/\/report\?form=[A-Za-z0-9_-]+#error-summary$/);
    expect(posts).toEqual(["/report"]);

    const summary = (await page.textContent("#error-summary")) ?? "";
    expect(summary).toMatch(/Steps to reproduce: [\s\S]*Your CVSS vector: /);
    expect(await page.inputValue("#title")).toBe("Broken export");
    expect(await page.inputValue("#steps")).toBe("Too short.");
    expect(await page.inputValue("#cvss")).toBe("CVSS:3.1/AV:X");
    expect(await page.inputValue("#email")).toBe("researcher@example.net");
    expect(await page.inputValue("#name")).toBe("r3searcher");
    expect(await page.isChecked("input[name=credit][value=handle]")).toBe(true);
    expect(await page.inputValue("#attachments")).toBe("");
    expect(await page.textContent("#attachments-again")).toMatch(/select them again/);
    await screenshot(page, "researcher-form-refused-nojs-390");
    expect(await countRows(live.t, "reports")).toBe(0);

    await page.reload();
    expect(posts).toEqual(["/report"]);
    expect(await page.locator("#error-summary").count()).toBe(0);
    expect(await page.inputValue("#title")).toBe("");
    expect(await countRows(live.t, "reports")).toBe(0);
    await context.close();
  });
});
