import fs from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { advisories, advisoryReports, outbox } from "../../src/db/schema.ts";
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
 * Credit in Chromium with JavaScript off: the reporter chooses a credit on the tracking page (a plain-http link
 * is refused and kept), confirms it, and once the advisory is public the hall of fame shows them.
 */
describe("the reporter's credit and the hall of fame in Chromium", { timeout: 180_000 }, () => {
  let live: LiveServer;
  let browser: Browser;
  let rita: Actor;
  let token = "";
  let reportId = "";

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    live = await startLiveServer("pglite");
    rita = await makeActor(live.t, "responder", "Rita");
    const submitted = await live.t.services.reports.submit(reportFields(), [], "web");
    token = submitted.token;
    reportId = submitted.report.id;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it("sets, refuses, confirms and then lists the credit, at 1280 and 390 px", async () => {
    for (const width of [1280, 390]) {
      const context = await browser.newContext({
        javaScriptEnabled: false,
        viewport: { width, height: 900 },
      });
      const page = await context.newPage();
      await page.goto(`${live.url}/r/${token}#credit`);
      if (width === 1280) {
        await page.locator("#credit summary").click();
        await page.check('input[name="display"][value="name"]');
        await page.fill("#credit-name", "Ada Lovelace");
        await page.fill("#credit-url", "http://ada.example");
        await page.fill("#credit-affiliation", "Analytical Engines");
        await page.fill("#credit-coFinders", "bob\ncarol");
        await page.check('input[name="hallOfFame"]');
        await page.getByRole("button", { name: "Save credit" }).click();
        await page.waitForLoadState("load");
        expect(await page.locator("#credit").textContent()).toContain("must start with https://");
        await screenshot(page, `credit-refused-${width}`);
        await page.fill("#credit-url", "https://ada.example");
        await page.getByRole("button", { name: "Save credit" }).click();
        await page.waitForLoadState("load");
        expect(await page.locator("#credit-line").textContent()).toBe(
          "Ada Lovelace (Analytical Engines), with bob, carol",
        );
        await page.getByRole("button", { name: "Confirm this credit" }).click();
        await page.waitForLoadState("load");
        expect(await page.locator("#credit-confirmed").count()).toBe(1);
      }
      await page.locator("#credit").screenshot({ path: `${SCREENSHOT_DIR}/credit-section-${width}.png` });
      await context.close();
    }
    const [a] = await live.t.database.db
      .insert(advisories)
      .values({
        publicId: "EMBSA-2026-0001",
        idYear: 2026,
        idNumber: 1,
        state: "published",
        title: "Stored XSS in the comment preview",
        summary: "XSS",
        lastEditorId: rita.id,
        createdBy: rita.id,
        publishedAt: new Date(Date.now() - 60_000),
        updatedAt: new Date(),
      })
      .returning();
    await live.t.database.db.insert(advisoryReports).values({ advisoryId: a!.id, reportId });
    for (const width of [1280, 390]) {
      const context = await browser.newContext({
        javaScriptEnabled: false,
        viewport: { width, height: 900 },
      });
      const page = await context.newPage();
      await page.goto(`${live.url}/hall-of-fame`);
      expect(await page.textContent("main")).toContain("Ada Lovelace");
      await screenshot(page, `hall-of-fame-${width}`);
      await page.goto(`${live.url}/r/${token}#credit`);
      expect(await page.locator("#credit-locked").count()).toBe(1);
      await page.locator("#credit").screenshot({ path: `${SCREENSHOT_DIR}/credit-locked-${width}.png` });
      await context.close();
    }
  });

  it("shows the team's credit panel, the rating form after closing and My reports, at 1280 and 390 px", async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 900 },
    });
    const team = await signInPage(live, context, rita);
    const { report, token: closedToken } = await live.t.services.reports.submit(
      reportFields({ email: "mine@example.net", title: "Verbose errors on the login page" }),
      [],
      "web",
    );
    await live.t.services.reports.act(rita, report.id, {
      action: "reject",
      reason: "informative",
      message: "Thanks.",
    });
    await live.t.services.reports.act(rita, report.id, { action: "close", message: "Closing." });
    await live.t.services.credits.grantThanks(rita, report.reference);
    await team.goto(`${live.url}/reports/${report.reference}#credit`);
    await team.locator("#credit").screenshot({ path: `${SCREENSHOT_DIR}/team-credit-panel-1280.png` });
    await context.close();

    for (const width of [1280, 390]) {
      const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 900 } });
      const page = await ctx.newPage();
      await page.goto(`${live.url}/r/${closedToken}#credit`);
      await page.locator("#credit").screenshot({ path: `${SCREENSHOT_DIR}/credit-closed-${width}.png` });
      await ctx.close();
    }

    live.t.services.deps.smtpConfigured = true;
    await live.t.services.myReports.requestLink("mine@example.net");
    const mails = await live.t.database.db.select().from(outbox);
    const mine = mails.find((m) => m.subject === "Your security reports")!;
    const [url] = JSON.parse(live.t.cipher.decryptText(mine.secretsEnc!)) as string[];
    const ctx = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(url!);
    await page.getByRole("button", { name: "Show my reports" }).click();
    await page.waitForLoadState("load");
    const main = (await page.textContent("main")) ?? "";
    expect(main).toContain("Verbose errors on the login page");
    // A closed report has no deadline left.
    expect(main).not.toContain("Acknowledge by");
    await screenshot(page, "my-reports-390");
    await ctx.close();
  });
});
