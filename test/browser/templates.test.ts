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
 * Canned responses in Chromium: an admin writes a template (a mistake is shown next to the text), and a
 * responder fills reply forms from the pickers with JavaScript on (in place) and off (a page reload).
 */
describe("canned responses in Chromium", { timeout: 120_000 }, () => {
  let live: LiveServer;
  let browser: Browser;
  let admin: Actor;
  let rita: Actor;
  let reference = "";

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    live = await startLiveServer("pglite");
    admin = await makeActor(live.t, "admin", "Admin");
    rita = await makeActor(live.t, "responder", "Rita");
    await live.t.services.templates.seedDefaults();
    reference = (
      await live.t.services.reports.submit(reportFields({ name: "Jane", credit: "name" }), [], "web")
    ).report.reference;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  const shot = screenshot;

  const signIn = (context: BrowserContext, who: Actor) => signInPage(live, context, who);

  it("an admin sees a broken template's problems next to the text, fixes it and saves", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await signIn(context, admin);
    await page.goto(`${live.url}/admin/responses`);
    await page.fill("#new-template-name", "Fix is being prepared");
    await page.selectOption("#new-template-purpose", "general");
    await page.fill(
      "#new-template-body",
      "Hello {{reporter.nam}},\n\nWe are preparing a fix for {{report.reference}}.",
    );
    await page.click("button[value=save]");
    await expect
      .poll(() => page.locator("#new-template-body-error").textContent())
      .toContain('Unknown variable "reporter.nam" at line 1, column 7. Did you mean {{reporter.name}}?');
    expect(await page.inputValue("#new-template-name")).toBe("Fix is being prepared");
    await shot(page, "templates-01-admin-error");

    await page.fill(
      "#new-template-body",
      "Hello {{reporter.name}},\n\nWe are preparing a fix for {{report.reference}}.",
    );
    await page.click("button[value=preview]");
    await expect
      .poll(() => page.locator(".template-preview").textContent())
      .toContain("Hello Jane Researcher,");
    await shot(page, "templates-02-admin-preview");
    await page.click("button[value=save]");
    await page.waitForURL(/done=added/);
    expect(await page.locator("table.templates").textContent()).toContain("Fix is being prepared");
    await shot(page, "templates-03-admin-list");

    await page.click("a:has-text('Fix is being prepared')");
    expect(await page.inputValue("#template-body")).toContain("{{report.reference}}");
    await page.click("button:has-text('Deactivate')");
    await page.waitForURL(/done=deactivated/);
    expect(await page.locator("#done").textContent()).toContain("deactivated");
    await page.click("a:has-text('Fix is being prepared')");
    await shot(page, "templates-06-admin-edit");
    await page.click("button:has-text('Activate')");
    await page.waitForURL(/done=activated/);
    await context.close();
  });

  it("with JavaScript on, choosing a template fills the reply in place; it is edited and sent", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await signIn(context, rita);
    await page.goto(`${live.url}/reports/${reference}`);
    const url = page.url();
    await page.selectOption("#message-template", { label: "Fix is being prepared" });
    await expect
      .poll(() => page.inputValue("#message-body"))
      .toBe(`Hello Jane,\n\nWe are preparing a fix for ${reference}.`);
    expect(page.url()).toBe(url); // filled in place, no reload
    expect(await page.isChecked('input[name="visibility"][value="reporter"]')).toBe(true);
    expect(await page.locator("#message-template-status").textContent()).toContain("Filled in from");
    await shot(page, "templates-04-picker-js");

    await page.locator("#message-body").press("End");
    await page.locator("#message-body").pressSequentially(" It should be out next week.");
    await page.click("#message-form button[type=submit]");
    await page.waitForURL(/done=message/);
    const view = await live.t.services.reports.teamView(reference);
    // Browsers send line breaks in form fields as CRLF.
    const last = view.messages.at(-1)!;
    expect(last.visibility).toBe("reporter");
    expect(last.body.replace(/\r\n/g, "\n")).toBe(
      `Hello Jane,\n\nWe are preparing a fix for ${reference}. It should be out next week.`,
    );

    // The reject picker also chooses the reason its template is for.
    await page.click("summary:has-text('Reject')");
    await page.selectOption("#reject-template", { label: "Rejection: out of scope" });
    await expect.poll(() => page.inputValue("#reject-message")).toContain("outside the scope");
    expect(await page.inputValue("#reject-reason")).toBe("out_of_scope");

    // Text someone typed is not replaced without asking; declining keeps it.
    await page.fill("#reject-message", "My own words.");
    page.once("dialog", (dialog) => dialog.dismiss());
    await page.selectOption("#reject-template", { label: "Rejection: invalid" });
    await page.waitForTimeout(300);
    expect(await page.inputValue("#reject-message")).toBe("My own words.");
    await context.close();
  });

  it("with JavaScript off, the picker reloads the page with the form filled in and scrolled to", async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 900 },
    });
    const page = await signIn(context, rita);
    await page.goto(`${live.url}/reports/${reference}`);
    await page.selectOption("#message-template", { label: "Need more information" });
    await page.click("#message-picker button[type=submit]");
    await page.waitForURL(/use=.*for=message#message-picker$/);
    const filled = await page.inputValue("#message-body");
    expect(filled).toContain(`Thank you for report ${reference}.`);
    expect(await page.isChecked('input[name="visibility"][value="reporter"]')).toBe(true);
    await shot(page, "templates-05-picker-nojs");

    // A template whose variable has no value here is explained next to the picker, and nothing is filled in.
    await live.t.services.templates.create(admin.id, {
      name: "Your Response Manager",
      purpose: "general",
      body: "{{assignee.name}} is handling {{report.reference}}.",
    });
    await page.goto(`${live.url}/reports/${reference}`);
    await page.selectOption("#message-template", { label: "Your Response Manager" });
    await page.click("#message-picker button[type=submit]");
    await page.waitForURL(/for=message#message-picker$/);
    expect(await page.locator("#message-template-error").textContent()).toContain("no Response Manager yet");
    expect(await page.inputValue("#message-body")).toBe("");
    await page.locator("#message-picker").screenshot({ path: "/tmp/templates-07-picker-error.png" });
    await page.selectOption("#message-template", { label: "Need more information" });
    await page.click("#message-picker button[type=submit]");
    await page.waitForURL(/for=message#message-picker$/);
    await page.fill("#message-body", `${filled}\n\nRita`);
    await page.click("#message-form button[type=submit]");
    await page.waitForURL(/done=message/);
    const view = await live.t.services.reports.teamView(reference);
    expect(view.messages.at(-1)?.body.replace(/\r\n/g, "\n")).toBe(`${filled}\n\nRita`);
    await context.close();
  });
});
