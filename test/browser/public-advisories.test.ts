// The public advisories in Chromium with JavaScript off, at desktop and phone width: the list leads to the page,
// the page fits the screen, and screenshots of both are kept for people to look at.

import { createRequire } from "node:module";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { advisoryContent, seedAdvisory, seedPublishedAdvisory } from "../helpers/advisories.ts";
import { type LiveServer, launchChromium, screenshot, startLiveServer } from "../helpers/browser.ts";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

describe("public advisories in Chromium without JavaScript", () => {
  let live: LiveServer;
  let browser: Browser;

  beforeAll(async () => {
    live = await startLiveServer("pglite");
    const first = await seedPublishedAdvisory(live.t);
    const [author] = await live.t.services.team.list();
    const day = 86_400_000;
    const now = live.t.clock().getTime();
    await seedAdvisory(live.t, {
      number: 2,
      authorId: author?.id as string,
      publishedAt: new Date(now - day / 2),
      revisions: [
        {
          at: new Date(now - day / 2),
          content: advisoryContent({
            title:
              "Path traversal in the archive reader lets an upload overwrite files outside its directory",
            cveId: null,
            cvss: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            affected: [
              {
                product: "example-core",
                repository: "https://git.example.org/core.git",
                ranges: [
                  {
                    introduced: "deadbeef00000000000000000000000000000002",
                    fixed: "c0ffee0000000000000000000000000000000001",
                  },
                ],
              },
            ],
          }),
        },
      ],
    });
    await seedAdvisory(live.t, {
      number: 3,
      authorId: author?.id as string,
      state: "withdrawn",
      publishedAt: new Date(now - 5 * day),
      withdrawnAt: new Date(now - 4 * day),
      withdrawnReason: "Not a vulnerability: the input was already escaped.",
      revisions: [
        {
          at: new Date(now - 5 * day),
          content: advisoryContent({ title: "Reflected XSS in search", cveId: "CVE-2026-22222" }),
        },
      ],
    });
    expect(first.publicId).toBe("EMBSA-2026-0001");
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  it("has no axe-core violations on the list and the pages", async () => {
    // axe is injected as a script, so this context runs JavaScript and bypasses the CSP; the pages do not need it.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    try {
      const page = await context.newPage();
      for (const p of ["/advisories", "/advisories/EMBSA-2026-0001", "/advisories/EMBSA-2026-0003"]) {
        await page.goto(`${live.url}${p}`);
        await page.addScriptTag({ path: AXE });
        const violations = (await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run(c: Document): Promise<{ violations: unknown[] }> } })
            .axe;
          return (await axe.run(document)).violations;
        })) as { id: string }[];
        expect(violations.map((v) => `${p}: ${v.id}`)).toEqual([]);
      }
    } finally {
      await context.close();
    }
  }, 120_000);

  for (const [name, viewport] of [
    ["1280", { width: 1280, height: 900 }],
    ["390", { width: 390, height: 844 }],
  ] as const) {
    it(`lists the advisories and opens one, fitting a ${name} px screen`, async () => {
      const context = await browser.newContext({ viewport, javaScriptEnabled: false });
      try {
        const page = await context.newPage();
        await page.goto(`${live.url}/advisories`);
        await expect(page.locator("#advisories li").count()).resolves.toBe(3);
        const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
        expect(await fits()).toBe(true);
        await screenshot(page, `advisories-list-${name}`);
        await page.getByRole("link", { name: "Stored XSS in the comment preview" }).click();
        await page.waitForLoadState("load");
        expect(page.url()).toBe(`${live.url}/advisories/EMBSA-2026-0001`);
        await expect(page.locator("#credits").textContent()).resolves.toContain("Ada Lovelace");
        expect(await fits()).toBe(true);
        await screenshot(page, `advisory-page-${name}`);
        await page.goto(`${live.url}/advisories/EMBSA-2026-0002`);
        expect(await fits()).toBe(true);
        await screenshot(page, `advisory-page-git-${name}`);
      } finally {
        await context.close();
      }
    }, 120_000);
  }
});
