// Public advisory routes, no session needed: the list, one advisory, the Atom feed, and each advisory's OSV and
// CVE JSON 5 documents. An advisory that is not public yet (a draft, or a publication time still to come) is a 404
// with exactly the body an unknown id gets, so nobody learns that it exists.

import { createHash } from "node:crypto";
import type { Context, Hono } from "hono";
import { notFound } from "../../core/errors.ts";
import type { AppEnv } from "../../http/env.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import { AdvisoryListPage, AdvisoryPage } from "./public.views.tsx";
import { ADVISORIES_FEED_PATH, type PublishedAdvisoriesService } from "./published.service.ts";

export interface PublicAdvisoryPagesDeps {
  publishedAdvisories: PublishedAdvisoriesService;
  settings: SettingsService;
}

/** Public documents may be cached briefly; a publication or revision shows within five minutes. */
export const DOCUMENT_CACHE = "public, max-age=300";

/** The one answer for an advisory that is unknown or not public yet: same status, headers and body. */
export function documentNotFound(c: Context<AppEnv>): Response {
  return c.body(
    `${JSON.stringify({ error: { code: "not_found", message: "No published advisory has this id." } })}\n`,
    404,
    { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  );
}

/** Serves document bytes as they are, with a strong ETag of those bytes. */
export function serveDocument(c: Context<AppEnv>, bytes: string, contentType: string): Response {
  const etag = `"${createHash("sha256").update(bytes).digest("hex").slice(0, 32)}"`;
  const headers = { "Content-Type": contentType, "Cache-Control": DOCUMENT_CACHE, ETag: etag };
  if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
  return c.body(bytes, 200, headers);
}

export function registerPublicAdvisoryPages(app: Hono<AppEnv>, deps: PublicAdvisoryPagesDeps) {
  const { publishedAdvisories: published } = deps;

  app.get("/advisories", async (c) => {
    const [org, advisories] = await Promise.all([deps.settings.org(), published.list()]);
    c.header("Cache-Control", "public, max-age=60");
    return c.html(<AdvisoryListPage orgName={org.name} advisories={advisories} />);
  });

  app.get(ADVISORIES_FEED_PATH, async (c) =>
    serveDocument(c, await published.feed(), "application/atom+xml; charset=utf-8"),
  );

  app.get("/advisories/:id", async (c) => {
    const advisory = await published.get(c.req.param("id"));
    if (!advisory) throw notFound("Advisory");
    const [org, cve] = await Promise.all([deps.settings.org(), published.cve(advisory.record.id)]);
    c.header("Cache-Control", "public, max-age=60");
    return c.html(
      <AdvisoryPage orgName={org.name} advisory={advisory} cveDocument={cve !== null && "bytes" in cve} />,
    );
  });

  app.get("/advisories/:id/osv.json", async (c) => {
    const doc = await published.osv(c.req.param("id"));
    return doc ? serveDocument(c, doc.bytes, "application/json; charset=utf-8") : documentNotFound(c);
  });

  app.get("/advisories/:id/cve.json", async (c) => {
    const doc = await published.cve(c.req.param("id"));
    if (!doc) return documentNotFound(c);
    if (!("bytes" in doc)) {
      // Public, but without a CVE record: say why, so a consumer knows it is not an outage.
      return c.json(
        { error: { code: "no_cve_record", message: `This advisory has no CVE record: ${doc.problem}` } },
        404,
        { "Cache-Control": "no-store" },
      );
    }
    return serveDocument(c, doc.bytes, "application/json; charset=utf-8");
  });
}
