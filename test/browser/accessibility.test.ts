import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PAGE_TOUR,
  staleTourRoutes,
  startTour,
  type Tour,
  unvisitedPageRoutes,
} from "../helpers/page-tour.ts";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * axe-core over every page of the tour in every state, in Chromium with JavaScript on, signed in as the role
 * that sees the page: no violations. The test's browser contexts bypass the CSP so axe can be injected; the
 * pages themselves are served with their usual headers.
 */
describe("accessibility of every page (axe-core in Chromium)", { timeout: 900_000 }, () => {
  let tour: Tour;

  beforeAll(async () => {
    tour = await startTour({ bypassCSP: true });
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

  it("finds no violations on any page", async () => {
    const found: string[] = [];
    for (const stop of PAGE_TOUR) {
      const page = await tour.open(stop, { width: 1280, height: 900 });
      await page.addScriptTag({ path: AXE });
      const violations = (await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(c: Document): Promise<{ violations: unknown[] }> } })
          .axe;
        return (await axe.run(document)).violations;
      })) as AxeViolation[];
      for (const v of violations) {
        const where = v.nodes
          .map((n) => n.target.join(" "))
          .slice(0, 5)
          .join(", ");
        found.push(`${stop.name}: ${v.id} (${v.help}) at ${where}`);
      }
      await page.close();
    }
    expect(found, "axe-core violations").toEqual([]);
  });
});
