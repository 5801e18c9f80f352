// The public advisories' Atom 1.0 feed (RFC 4287): one entry per published advisory, newest change first, with
// its id, title, severity and CVE in the summary, and a link to its page. Pure; the text is escaped here, so any
// title or summary is safe in the XML.

export interface FeedAdvisory {
  id: string;
  title: string;
  summary: string;
  severity: string | null;
  cveId: string | null;
  url: string;
  published: Date;
  updated: Date;
  withdrawn: boolean;
}

/** XML text: the five special characters escaped, and characters XML 1.0 forbids removed. */
export function xmlText(value: string): string {
  return (
    value
      // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters; they are dropped.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/gu, "")
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu, "")
      .replaceAll("&", "&amp;")
      .replaceAll("<", "&lt;")
      .replaceAll(">", "&gt;")
      .replaceAll('"', "&quot;")
      .replaceAll("'", "&apos;")
  );
}

/** The Atom feed of the published advisories. */
export function advisoryFeed(
  site: { title: string; publicUrl: string; feedPath: string; author: string },
  advisories: readonly FeedAdvisory[],
  now: Date,
): string {
  const root = site.publicUrl.replace(/\/+$/, "");
  const sorted = [...advisories].sort((a, b) => b.updated.getTime() - a.updated.getTime());
  const updated = (sorted[0]?.updated ?? now).toISOString();
  const entries = sorted.map((a) => {
    const facts = [a.severity ? `Severity: ${a.severity}` : null, a.cveId, a.withdrawn ? "Withdrawn" : null]
      .filter(Boolean)
      .join(" · ");
    const summary = facts ? `${facts}. ${a.summary}` : a.summary;
    return `  <entry>
    <id>${xmlText(a.url)}</id>
    <title>${xmlText(`${a.id}: ${a.title}`)}</title>
    <link rel="alternate" type="text/html" href="${xmlText(a.url)}"/>
    <published>${a.published.toISOString()}</published>
    <updated>${a.updated.toISOString()}</updated>
    <summary>${xmlText(summary)}</summary>
  </entry>
`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${xmlText(`${root}${site.feedPath}`)}</id>
  <title>${xmlText(site.title)}</title>
  <link rel="self" type="application/atom+xml" href="${xmlText(`${root}${site.feedPath}`)}"/>
  <link rel="alternate" type="text/html" href="${xmlText(`${root}/advisories`)}"/>
  <updated>${updated}</updated>
  <author><name>${xmlText(site.author)}</name></author>
${entries.join("")}</feed>
`;
}
