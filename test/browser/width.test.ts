import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PAGE_TOUR,
  staleTourRoutes,
  startTour,
  type Tour,
  unvisitedPageRoutes,
} from "../helpers/page-tour.ts";

/**
 * No page scrolls sideways on a phone: at a 390 px viewport, with JavaScript on, every page of the tour in every
 * state is at most as wide as the viewport. A failure names the page and its width.
 */
const PHONE = { width: 390, height: 844 };

describe("page widths at 390 px in Chromium", { timeout: 600_000 }, () => {
  let tour: Tour;

  beforeAll(async () => {
    tour = await startTour({ bypassCSP: false });
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

  it("fits every page into the phone's width", async () => {
    const tooWide: string[] = [];
    for (const stop of PAGE_TOUR) {
      const page = await tour.open(stop, PHONE);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > PHONE.width) tooWide.push(`${stop.name}: ${width} px`);
      await page.close();
    }
    expect(tooWide, `pages wider than ${PHONE.width} px`).toEqual([]);
  });
});
