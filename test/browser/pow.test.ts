import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rateLimits } from "../../src/db/schema.ts";
import { makeActor } from "../helpers/actors.ts";
import { type LiveServer, launchChromium, startLiveServer } from "../helpers/browser.ts";

/**
 * With JavaScript on, the report form solves its proof-of-work challenge in Chromium with our own
 * /static/js/pow.js, posts the solution, and the report counts against the normal budget, not the
 * stricter one for browsers without JavaScript.
 */
describe("report form proof of work in Chromium with JavaScript on", { timeout: 120_000 }, () => {
  let live: LiveServer;
  let browser: Browser;

  beforeAll(async () => {
    live = await startLiveServer("pglite");
    const admin = await makeActor(live.t, "admin", "Admin");
    await live.t.services.assets.create(admin.id, {
      name: "Acme web app",
      identifier: "https://app.acme.example",
      kind: "web",
      inScope: true,
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it("solves the challenge, posts the solution and is counted in the normal budget", async () => {
    const context = await browser.newContext({ javaScriptEnabled: true });
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on("request", (r) => {
      if (r.resourceType() === "script") scripts.push(r.url());
    });
    await page.goto(`${live.url}/report`);
    // The solver fills the hidden field on its own once the page has loaded.
    await expect.poll(() => page.inputValue("input[name=altcha]"), { timeout: 30_000 }).not.toBe("");
    const payload0 = await page.inputValue("input[name=altcha]");
    const payload = JSON.parse(Buffer.from(payload0, "base64").toString());
    expect(payload).toMatchObject({ algorithm: "SHA-256", number: expect.any(Number) });
    expect(scripts.every((u) => u.startsWith(live.url))).toBe(true);

    await page.fill("#title", "Open redirect on the login page");
    await page.selectOption("#asset", { label: "Acme web app (https://app.acme.example)" });
    await page.fill("#description", "The next parameter of /login accepts any external URL.");
    await page.fill(
      "#steps",
      "1. Open /login?next=https://evil.example\n2. Sign in.\n3. You land on evil.example.",
    );
    await page.fill("#impact", "Phishing with a trusted link.");
    // With JavaScript on the form is encrypted and sent to /report/encrypted, with the solution beside it.
    const posted = page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith("/report/encrypted"));
    await page.getByRole("button", { name: "Send report" }).click();
    const request = await posted;
    expect(JSON.parse(request.postData() ?? "{}").altcha).toBe(payload0);
    await page.waitForSelector("#tracking-url");
    expect(await page.locator("body").textContent()).toMatch(/EMB-\d{4}-\d{4}/);

    const keys = (await live.t.database.db.select().from(rateLimits)).map((r) => r.key);
    expect(keys.some((k) => k.startsWith("reports:"))).toBe(true);
    expect(keys.some((k) => k.startsWith("reports-nojs:"))).toBe(false);
    await context.close();
  });

  it("a replayed solution is refused with a clear message", async () => {
    const context = await browser.newContext({ javaScriptEnabled: true });
    const page = await context.newPage();
    await page.goto(`${live.url}/report`);
    await expect.poll(() => page.inputValue("input[name=altcha]"), { timeout: 30_000 }).not.toBe("");
    const solution = await page.inputValue("input[name=altcha]");
    const fields = {
      altcha: solution,
      title: "Reflected XSS in search",
      asset: "other",
      weakness: "CWE-79",
      description: "The q parameter is echoed without escaping.",
      steps: "1. Open /search?q=<script>alert(1)</script>\n2. The script runs in the page.",
      impact: "Script runs in the victim's session.",
      credit: "anonymous",
    };
    const first = await page.request.post(`${live.url}/report`, {
      multipart: fields,
      headers: { origin: live.url },
    });
    expect(first.status()).toBe(200);
    const again = await page.request.post(`${live.url}/report`, {
      multipart: fields,
      headers: { origin: live.url },
    });
    // Refused: a 303 back to the form, which shows the problem once (the request follows it, as a browser does).
    expect(again.status()).toBe(200);
    expect(new URL(again.url()).pathname + new URL(again.url()).search).toMatch(/^\/report\?form=/);
    const page2 = await again.text();
    expect(page2).toContain("anti-spam check failed or was already used");
    // What was typed comes back, with a fresh challenge to solve.
    expect(page2).toContain("Reflected XSS in search");
    expect(page2).toContain('data-pow="challenge"');
    await context.close();
  });
});
