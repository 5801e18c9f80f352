import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeActor } from "../helpers/actors.ts";
import { type LiveServer, launchChromium, SCREENSHOT_DIR, startLiveServer } from "../helpers/browser.ts";

/**
 * A researcher and a responder, both with JavaScript disabled, carry a report through intake, acknowledgement
 * and a reply, on a real socket in Debian's Chromium. Screenshots land in test-results/screenshots.
 */
describe("walkthrough in Chromium with JavaScript disabled", { timeout: 120_000 }, () => {
  let live: LiveServer;
  let browser: Browser;
  let researcher: BrowserContext;
  let responder: BrowserContext;

  beforeAll(async () => {
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    live = await startLiveServer("pglite");
    const admin = await makeActor(live.t, "admin", "Admin");
    await live.t.services.settings.updateOrg(admin.id, {
      ...(await live.t.services.settings.org()),
      name: "Acme Project",
      securityEmail: "security@acme.example",
    });
    await live.t.services.assets.create(admin.id, {
      name: "Acme web app",
      identifier: "https://app.acme.example",
      kind: "web",
      inScope: true,
      description: "The customer-facing application.",
      tags: "web,auth",
    });
    await live.t.services.assets.create(admin.id, {
      name: "Marketing blog",
      identifier: "https://blog.acme.example",
      kind: "web",
      inScope: false,
    });
    await makeActor(live.t, "responder", "Rita");
    browser = await launchChromium();
    researcher = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1200, height: 900 },
    });
    responder = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 900 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  const shot = async (page: Page, name: string) => {
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  };

  let trackingUrl = "";
  let reference = "";

  it("the researcher reads the policy and submits a report through the form", async () => {
    const page = await researcher.newPage();
    await page.goto(`${live.url}/`);
    expect(await page.locator("h1").first().textContent()).toContain("Acme Project");
    await expect.poll(() => page.getByText("Marketing blog").count()).toBeGreaterThan(0);
    await shot(page, "01-policy");

    await page
      .getByRole("link", { name: /Report a vulnerability/ })
      .first()
      .click();
    await page.waitForURL(/\/report$/);

    // The browser's own checks pass, but the server's do not (the title needs 5 characters): the form comes
    // back, after a redirect, with an error summary and everything typed is kept.
    await page.fill("#title", "XSS");
    await page.selectOption("#asset", { label: "Acme web app (https://app.acme.example)" });
    await page.selectOption("#weakness", "CWE-79");
    await page.fill(
      "#description",
      "The profile bio is rendered without escaping, so HTML in it runs in visitors' browsers.",
    );
    await page.fill(
      "#steps",
      "1. Set your bio to <img src=x onerror=alert(document.domain)>\n2. Open your public profile.",
    );
    await page.fill("#impact", "Any visitor's session can be taken over.");
    await page.fill("#email", "researcher@example.net");
    await page.fill("#name", "r3searcher");
    await page.locator("input[name=credit][value=handle]").check();
    await page.getByRole("button", { name: "Send report" }).click();
    // The refusal is a redirect back to the form (post/redirect/get), so a reload never sends it again.
    await page.waitForURL(/\/report\?form=[A-Za-z0-9_-]+#error-summary$/);
    expect(await page.locator(".form-errors").count()).toBe(1);
    expect(await page.inputValue("#title")).toBe("XSS");
    expect(await page.inputValue("#impact")).toBe("Any visitor's session can be taken over.");
    expect(await page.inputValue("#email")).toBe("researcher@example.net");
    expect(await page.isChecked("input[name=credit][value=handle]")).toBe(true);
    await shot(page, "02-form-errors");

    await page.fill("#title", "Stored XSS in profile bio");
    await page.setInputFiles("#attachments", {
      name: "poc.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("<img src=x onerror=alert(1)>"),
    });
    await shot(page, "03-form");
    await page.getByRole("button", { name: "Send report" }).click();

    const receipt = await page.locator("body").textContent();
    expect(receipt).toMatch(/EMB-\d{4}-\d{4}/);
    reference = /EMB-\d{4}-\d{4}/.exec(receipt ?? "")![0];
    trackingUrl = ((await page.textContent("#tracking-url")) ?? "").trim();
    expect(trackingUrl).toMatch(new RegExp(`^${live.url}/r/[A-Za-z0-9_-]{22}$`));
    await shot(page, "04-receipt");
  });

  it("the responder signs in, acknowledges the report and replies", async () => {
    const page = await responder.newPage();
    await page.goto(`${live.url}/inbox`);
    await page.waitForURL(/\/login/);
    await page.fill("#login-email", "rita@example.org");
    await page.fill("#login-password", "Rita-password-long");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/inbox/);
    const row = page.locator("tr", { hasText: reference });
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain("Stored XSS in profile bio");
    await shot(page, "05-inbox");

    await page.getByRole("link", { name: reference }).click();
    await page.waitForURL(new RegExp(`/reports/${reference}`));
    expect(await page.locator("body").textContent()).toContain("rendered without escaping");
    await shot(page, "06-report-new");

    await page.locator("#action-acknowledge").getByRole("button", { name: "Acknowledge" }).click();
    await page.waitForURL(/done=acknowledge/);
    expect(await page.locator(".badge.state").first().textContent()).toMatch(/Acknowledged/i);

    await page.getByLabel(/Internal note/).check();
    await page.fill("#message-body", "Internal: reproduced on staging, looks real.");
    await page.getByRole("button", { name: "Post message" }).click();
    await page.getByLabel(/Reply to the reporter/).check();
    await page.fill("#message-body", "Thanks! We reproduced it and are working on a fix.");
    await page.getByRole("button", { name: "Post message" }).click();
    const conversation = page.locator(".message");
    await expect.poll(() => conversation.count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator(".message.internal").count()).toBe(1);
    await shot(page, "07-report-conversation");
  });

  it("the researcher's tracking page shows the acknowledgement and the reply, but not the internal note", async () => {
    const page = await researcher.newPage();
    await page.goto(trackingUrl);
    const text = (await page.locator("body").textContent()) ?? "";
    expect(text).toContain(reference);
    expect(text).toMatch(/Acknowledged/);
    expect(text).toContain("Thank you for your report");
    expect(text).toContain("Thanks! We reproduced it and are working on a fix.");
    expect(text).not.toContain("reproduced on staging");
    await shot(page, "08-tracking");

    // The researcher answers from the same page, still without JavaScript.
    await page.fill("textarea[name=body]", "Great, happy to test the fix.");
    await page.getByRole("button", { name: "Send message" }).click();
    await page.waitForURL(/#messages/);
    expect(await page.locator("body").textContent()).toContain("Great, happy to test the fix.");
  });

  it("serves no page that loads anything from another origin", async () => {
    const page = await researcher.newPage();
    const foreign: string[] = [];
    page.on("request", (req) => {
      if (!req.url().startsWith(live.url)) foreign.push(req.url());
    });
    for (const p of ["/", "/report", "/.well-known/security.txt", "/login"])
      await page.goto(`${live.url}${p}`);
    expect(foreign).toEqual([]);
  });
});
