// The hall of fame (issue 14 §2): researchers who opted in, by year, each with their link, the public advisories
// they are credited on and a count; and "thanks" entries for valid reports that needed no advisory, once the
// reporter accepted them. Pure: the service gives the rows, this groups them and writes the Atom feed. Every
// name goes through inHallOfFame()/displayedName(), so an anonymous choice never shows, whatever else is set.

import { xmlText } from "./advisory-feed.ts";
import { type CreditChoice, displayedName, inHallOfFame } from "./credit.ts";

export interface HallAdvisoryRow {
  credit: CreditChoice;
  advisoryId: string;
  title: string;
  severity: string | null;
  publishedAt: Date;
}

export interface HallThanksRow {
  credit: CreditChoice;
  acceptedAt: Date;
}

export interface HallResearcher {
  name: string;
  affiliation: string | null;
  url: string | null;
  advisories: { id: string; title: string; severity: string | null; date: Date }[];
  thanks: number;
  /** Advisories and thanks in this year. */
  count: number;
}

export interface HallYear {
  year: number;
  researchers: HallResearcher[];
}

/** Groups the public rows by year (newest first) and researcher (most credits first, then by name). */
export function hallOfFameYears(
  advisories: readonly HallAdvisoryRow[],
  thanks: readonly HallThanksRow[],
): HallYear[] {
  const years = new Map<number, Map<string, HallResearcher>>();
  const entry = (credit: CreditChoice, at: Date): HallResearcher | null => {
    if (!inHallOfFame(credit, true)) return null;
    const name = displayedName(credit)!;
    const year = at.getUTCFullYear();
    const people = years.get(year) ?? new Map<string, HallResearcher>();
    years.set(year, people);
    const key = name.toLowerCase();
    let person = people.get(key);
    if (!person) {
      person = {
        name,
        affiliation: credit.affiliation?.trim() || null,
        url: null,
        advisories: [],
        thanks: 0,
        count: 0,
      };
      people.set(key, person);
    }
    person.url = person.url ?? credit.url ?? null;
    return person;
  };
  for (const row of advisories) {
    const person = entry(row.credit, row.publishedAt);
    if (!person || person.advisories.some((a) => a.id === row.advisoryId)) continue;
    person.advisories.push({
      id: row.advisoryId,
      title: row.title,
      severity: row.severity,
      date: row.publishedAt,
    });
    person.count++;
  }
  for (const row of thanks) {
    const person = entry(row.credit, row.acceptedAt);
    if (!person) continue;
    person.thanks++;
    person.count++;
  }
  return [...years.entries()]
    .sort(([a], [b]) => b - a)
    .map(([year, people]) => ({
      year,
      researchers: [...people.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
    }));
}

/** The hall of fame as an Atom 1.0 feed: one entry per credited advisory or accepted thanks. */
export function hallOfFameFeed(
  site: { title: string; publicUrl: string; author: string },
  advisories: readonly HallAdvisoryRow[],
  thanks: readonly HallThanksRow[],
  now: Date,
): string {
  const root = site.publicUrl.replace(/\/+$/, "");
  const page = `${root}/hall-of-fame`;
  const items: { id: string; title: string; at: Date; summary: string; url: string | null }[] = [];
  for (const row of advisories) {
    if (!inHallOfFame(row.credit, true)) continue;
    const name = displayedName(row.credit)!;
    items.push({
      id: `${page}#${encodeURIComponent(row.advisoryId)}-${encodeURIComponent(name)}`,
      title: `${name}: ${row.advisoryId}`,
      at: row.publishedAt,
      summary: `${name} is credited on ${row.advisoryId}, "${row.title}"${row.severity ? ` (severity ${row.severity})` : ""}.`,
      url: row.credit.url,
    });
  }
  for (const row of thanks) {
    if (!inHallOfFame(row.credit, true)) continue;
    const name = displayedName(row.credit)!;
    items.push({
      id: `${page}#thanks-${row.acceptedAt.getTime()}-${encodeURIComponent(name)}`,
      title: `Thanks to ${name}`,
      at: row.acceptedAt,
      summary: `${name} reported a valid finding that needed no advisory. Thank you.`,
      url: row.credit.url,
    });
  }
  items.sort((a, b) => b.at.getTime() - a.at.getTime());
  const updated = (items[0]?.at ?? now).toISOString();
  const entries = items.map(
    (i) => `  <entry>
    <id>${xmlText(i.id)}</id>
    <title>${xmlText(i.title)}</title>
    <link rel="alternate" type="text/html" href="${xmlText(page)}"/>${i.url ? `\n    <link rel="related" href="${xmlText(i.url)}"/>` : ""}
    <updated>${i.at.toISOString()}</updated>
    <summary>${xmlText(i.summary)}</summary>
  </entry>
`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xmlText(page)}</id>
  <title>${xmlText(site.title)}</title>
  <link rel="self" type="application/atom+xml" href="${xmlText(`${root}/hall-of-fame.atom`)}"/>
  <link rel="alternate" type="text/html" href="${xmlText(page)}"/>
  <updated>${updated}</updated>
  <author><name>${xmlText(site.author)}</name></author>
${entries.join("")}</feed>
`;
}
