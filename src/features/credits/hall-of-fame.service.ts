import type { Clock } from "../../core/clock.ts";
import type { Db } from "../../core/db.ts";
import { hallOfFameFeed, hallOfFameYears } from "../../domain/hall-of-fame.ts";
import { choiceOf, hallOfFameAdvisoryRows, hallOfFameThanksRows } from "./credits.repo.ts";

/** The public hall of fame: read from public advisories and accepted thanks only, at the clock's now. */
export function hallOfFameOf(deps: { db: Db; clock: Clock; publicUrl: string }) {
  async function rows() {
    const now = deps.clock();
    const advisories = (await hallOfFameAdvisoryRows(deps.db, now)).flatMap((r) =>
      r.publishedAt
        ? [
            {
              credit: choiceOf(r.credit)!,
              advisoryId: r.advisoryId,
              title: r.title,
              severity: r.severity,
              publishedAt: r.publishedAt,
            },
          ]
        : [],
    );
    const thanks = (await hallOfFameThanksRows(deps.db)).flatMap((r) =>
      r.acceptedAt ? [{ credit: choiceOf(r.credit)!, acceptedAt: r.acceptedAt }] : [],
    );
    return { advisories, thanks, now };
  }
  return {
    /** Researchers by year, newest first. */
    async entries() {
      const { advisories, thanks } = await rows();
      return hallOfFameYears(advisories, thanks);
    },
    /** The Atom feed of the same entries. */
    async feed(orgName: string) {
      const { advisories, thanks, now } = await rows();
      return hallOfFameFeed(
        { title: `${orgName}: hall of fame`, publicUrl: deps.publicUrl, author: `${orgName} security team` },
        advisories,
        thanks,
        now,
      );
    },
  };
}
