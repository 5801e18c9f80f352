import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Actor, makeActor } from "../helpers/actors.ts";
import {
  type LiveServer,
  launchChromium,
  SCREENSHOT_DIR,
  screenshot,
  signInPage,
  startLiveServer,
} from "../helpers/browser.ts";
import { makeFixRepository, reportInRemediation } from "../helpers/consultation-world.ts";

/**
 * Consultation in Chromium with JavaScript off: a responder invites the reporter to check the fix from the report
 * page; the reporter reads the diff, takes clone access (shown once), and answers that the fix does not fix it,
 * with a file; the report page and the inbox then show the disputed fix. Screenshots at 1280 and 390 px.
 */
describe("the reporter checks the fix in Chromium", { timeout: 180_000 }, () => {
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
    const report = await reportInRemediation(live.t, rita);
    await makeFixRepository(live.t, report, rita.id);
    reference = report.reference;
    token = report.token;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it("invites, shows the diff and clone access once, takes the answer and marks the dispute", async () => {
    const team = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      javaScriptEnabled: false,
    });
    const page = await signInPage(live, team, rita);
    await page.goto(`${live.url}/reports/${reference}`);
    await page.click("#consultation summary");
    await page.fill("#invite-message", "We refuse .. in names now. Could you check the fix before Friday?");
    await page.click("#action-invite_reporter_to_fix button[type=submit]");
    await page.waitForURL(/done=invite_reporter_to_fix/);
    expect(await page.locator("#done").textContent()).toContain(
      "Your invitation is on the reporter's tracking page",
    );
    expect(await page.locator("#consultation").textContent()).toContain("Invited, no answer yet");
    await screenshot(page, "consultation-01-invited");

    for (const width of [1280, 390]) {
      const context = await browser.newContext({
        viewport: { width, height: 900 },
        javaScriptEnabled: false,
      });
      const reporter = await context.newPage();
      await reporter.goto(`${live.url}/r/${token}`);
      expect(await reporter.locator("#check-fix").textContent()).toContain("We refuse .. in names now.");
      expect(await reporter.locator("#check-fix .diff-add").first().textContent()).toContain(
        "<script>alert('fix')</script>",
      );
      expect(await reporter.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await screenshot(reporter, `consultation-02-reporter-${width}`);

      await reporter.getByRole("button", { name: /^Show (new )?clone access$/ }).click();
      const shown = await reporter.locator("#fix-access-token").inputValue();
      expect(shown).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await reporter.locator("#fix-access-command").inputValue()).toBe(
        `git clone ${live.url.replace("http://", `http://x:${shown}@`)}/git/${reference}.git`,
      );
      expect(await reporter.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await screenshot(reporter, `consultation-03-clone-access-${width}`);
      await reporter.click("text=Back to your report");
      expect(await reporter.content()).not.toContain(shown);
      expect(await reporter.locator("#clone-access-live").count()).toBe(1);
      await context.close();
    }

    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      javaScriptEnabled: false,
    });
    const reporter = await context.newPage();
    await reporter.goto(`${live.url}/r/${token}#fix-answer`);
    await reporter.check("input[name=verdict][value=does_not_fix]");
    await reporter.click("button:has-text('Send my answer')"); // no comment: refused, and says why
    expect(await reporter.locator("#fix-answer-errors").textContent()).toContain("Say what the fix misses");
    expect(await reporter.locator("input[name=verdict][value=does_not_fix]").isChecked()).toBe(true);
    await screenshot(reporter, "consultation-04-refused-answer");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "embargo-poc-")), "retest.txt");
    fs.writeFileSync(file, "GET /preview?name=%2e%2e/etc/passwd -> 200");
    await reporter.fill("#fix-comment", "Encoded dots (%2e%2e/) still get through on the preview endpoint.");
    await reporter.setInputFiles("#fix-attachments", file);
    await reporter.click("button:has-text('Send my answer')");
    await reporter.waitForURL(new RegExp(`/r/${token}#messages`));
    expect(await reporter.locator("#messages").textContent()).toContain("This does not fix it.");
    expect(await reporter.locator("#messages").textContent()).toContain("retest.txt");
    expect(await reporter.locator("#fix-answers").textContent()).toContain("This does not fix it");
    await screenshot(reporter, "consultation-05-answered");
    await context.close();

    await page.goto(`${live.url}/reports/${reference}`);
    expect(await page.locator("#fix-disputed").textContent()).toContain(
      "The reporter says the fix does not fix it",
    );
    expect(await page.locator("#consultation-answers").textContent()).toContain("This does not fix it");
    expect(await page.locator("#reporter-access-live").count()).toBe(1);
    await screenshot(page, "consultation-06-disputed");
    await page.click('button:has-text("Revoke the reporter\'s access")');
    await page.waitForURL(/done=fix_access_revoked/);
    expect(await page.locator("#reporter-access-none").count()).toBe(1);

    await page.goto(`${live.url}/inbox`);
    expect(await page.locator("table.inbox").textContent()).toContain("Fix disputed");
    await screenshot(page, "consultation-07-inbox");
    await team.close();
  });
});
