// CSAF 2.0 as a trusted provider (CSAF §7): provider-metadata.json, the TLP:WHITE directory with each document,
// its .sha256 and .sha512 (sha256sum's format) and a detached .asc by the intake key over the exact bytes served,
// index.txt and changes.csv, and the ROLIE feed. Only public advisories appear; anything else is a 404 whose body
// is the same as for a path that never existed.

import { createHash } from "node:crypto";
import type { Hono } from "hono";
import { PROVIDER_METADATA_PATH, ROLIE_FEED_PATH } from "../../domain/csaf-distribution.ts";
import type { AppEnv } from "../../http/env.ts";
import { documentNotFound, serveDocument } from "./public.pages.tsx";
import type { PublishedAdvisoriesService } from "./published.service.ts";

const WHITE = "/.well-known/csaf/white";
const JSON_TYPE = "application/json; charset=utf-8";
const TEXT_TYPE = "text/plain; charset=utf-8";

/** What a file name under white/<year>/ asks for: the document itself, or one of its companions. */
export function csafRequest(
  file: string,
): { document: string; kind: "json" | "sha256" | "sha512" | "asc" } | null {
  const m = /^([+\-a-z0-9_.]+\.json)(?:\.(sha256|sha512|asc))?$/.exec(file);
  if (!m?.[1]) return null;
  return { document: m[1], kind: (m[2] as "sha256" | "sha512" | "asc" | undefined) ?? "json" };
}

export function registerCsafPages(
  app: Hono<AppEnv>,
  deps: { publishedAdvisories: PublishedAdvisoriesService },
) {
  const published = deps.publishedAdvisories;

  app.get(PROVIDER_METADATA_PATH, async (c) =>
    serveDocument(c, await published.providerMetadata(), JSON_TYPE),
  );
  app.get(ROLIE_FEED_PATH, async (c) => serveDocument(c, await published.rolieFeed(), JSON_TYPE));
  app.get(`${WHITE}/index.txt`, async (c) => serveDocument(c, await published.csafIndex(), TEXT_TYPE));
  app.get(`${WHITE}/changes.csv`, async (c) =>
    serveDocument(c, await published.csafChanges(), "text/csv; charset=utf-8"),
  );

  app.get(`${WHITE}/:year/:file`, async (c) => {
    const year = c.req.param("year");
    const wanted = csafRequest(c.req.param("file"));
    if (!/^\d{4}$/.test(year) || !wanted) return documentNotFound(c);
    const doc = await published.csafAt(`${WHITE}/${year}/${wanted.document}`);
    if (!doc) return documentNotFound(c);
    switch (wanted.kind) {
      case "json":
        return serveDocument(c, doc.bytes, JSON_TYPE);
      case "sha256":
      case "sha512": {
        const hex = createHash(wanted.kind).update(doc.bytes).digest("hex");
        return serveDocument(c, `${hex}  ${wanted.document}\n`, TEXT_TYPE);
      }
      case "asc":
        return serveDocument(c, await published.signature(doc.bytes), "application/pgp-signature");
    }
  });
}
