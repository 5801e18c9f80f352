import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PAGE_TOUR,
  staleTourRoutes,
  startTour,
  type Tour,
  unvisitedPageRoutes,
} from "../helpers/page-tour.ts";

/**
 * Every page of the tour in every state, in Chromium with JavaScript on, signed in as the role that sees the
 * page, with two checks at each stop over one seeded world:
 * - accessibility: axe-core at 1280 × 900 finds no violations. Its browser contexts bypass the CSP so axe can be
 *   injected; the pages themselves are served with their usual headers.
 * - width: no page scrolls sideways on a phone. At a 390 px viewport, with the CSP in force, the page is at most
 *   as wide as the viewport.
 * Each stop is its own test, named after the stop; a failure says which check failed and why.
 */

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** axe-core's violations on the page, each as "id (help) at the first five places". */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(c: Document): Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run(document)).violations;
  })) as AxeViolation[];
  return violations.map((v) => {
    const where = v.nodes
      .map((n) => n.target.join(" "))
      .slice(0, 5)
      .join(", ");
    return `${v.id} (${v.help}) at ${where}`;
  });
}

describe("the page tour in Chromium: axe-core and a 390 px phone at every stop", { timeout: 120_000 }, () => {
  let tour: Tour;

  beforeAll(async () => {
    tour = await startTour();
  }, 180_000);

  afterAll(async () => {
    await tour?.close();
  });

  it("tours every page the router serves", () => {
    expect(unvisitedPageRoutes(tour.routes), "GET routes without a tour stop or a NOT_PAGES entry").toEqual(
      [],
    );
    expect(staleTourRoutes(tour.routes), "tour stops for routes the router does not serve").toEqual([]);
  });

  for (const stop of PAGE_TOUR) {
    it(stop.name, async () => {
      const desktop = await tour.open(stop, DESKTOP, { bypassCSP: true });
      const violations = await axeViolations(desktop);
      await desktop.close();
      const phone = await tour.open(stop, PHONE);
      const width = await phone.evaluate(() => document.documentElement.scrollWidth);
      await phone.close();
      // Soft, so a page that fails both checks says so for both.
      expect.soft(violations, `axe-core violations on ${stop.name}`).toEqual([]);
      expect.soft(width, `${stop.name} is wider than ${PHONE.width} px`).toBeLessThanOrEqual(PHONE.width);
    });
  }
});
