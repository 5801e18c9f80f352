// How a CSAF trusted provider publishes (CSAF 2.0 §7): provider-metadata.json naming the publisher, the directory
// and ROLIE distributions and the OpenPGP key that signs the documents; the directory's index.txt and changes.csv;
// and the ROLIE feed of TLP:WHITE documents. Pure builders over the list of published documents.

import type { Publisher } from "./advisory-record.ts";
import { isoSeconds } from "./advisory-record.ts";

/** One published CSAF document, as the distribution lists it. */
export interface CsafEntry {
  trackingId: string;
  title: string;
  /** The path under the public URL, e.g. /.well-known/csaf/white/2026/embsa-2026-0001.json */
  path: string;
  initialReleaseDate: Date;
  currentReleaseDate: Date;
  summary: string;
}

export const CSAF_BASE_PATH = "/.well-known/csaf";
export const ROLIE_FEED_PATH = `${CSAF_BASE_PATH}/feed-tlp-white.json`;
export const PROVIDER_METADATA_PATH = `${CSAF_BASE_PATH}/provider-metadata.json`;
const WHITE_DIR = `${CSAF_BASE_PATH}/white`;

function base(publicUrl: string): string {
  return publicUrl.replace(/\/+$/, "");
}

/** The provider metadata of a trusted provider whose documents the intake key signs. */
export function providerMetadata(
  publicUrl: string,
  publisher: Publisher,
  key: { fingerprint: string; path: string },
  lastUpdated: Date,
): Record<string, unknown> {
  const root = base(publicUrl);
  return {
    canonical_url: `${root}${PROVIDER_METADATA_PATH}`,
    distributions: [
      { directory_url: `${root}${WHITE_DIR}/` },
      {
        rolie: {
          feeds: [
            {
              summary: `All TLP:WHITE advisories of ${publisher.name}.`,
              tlp_label: "WHITE",
              url: `${root}${ROLIE_FEED_PATH}`,
            },
          ],
        },
      },
    ],
    last_updated: isoSeconds(lastUpdated),
    list_on_CSAF_aggregators: true,
    metadata_version: "2.0",
    mirror_on_CSAF_aggregators: true,
    public_openpgp_keys: [{ fingerprint: key.fingerprint.toUpperCase(), url: `${root}${key.path}` }],
    publisher: { category: "vendor", name: publisher.name, namespace: publisher.namespace },
    role: "csaf_trusted_provider",
  };
}

/** The document's path relative to the white/ directory, as index.txt and changes.csv name it ("2026/x.json"). */
function relative(entry: CsafEntry): string {
  return entry.path.startsWith(`${WHITE_DIR}/`) ? entry.path.slice(WHITE_DIR.length + 1) : entry.path;
}

/** index.txt: every document's relative path, one per line (CSAF 7.1.13). */
export function csafIndex(entries: readonly CsafEntry[]): string {
  return entries.map((e) => `${relative(e)}\n`).join("");
}

/**
 * changes.csv: `"path","current release date"` per document, newest change first (CSAF 7.1.14). Paths never
 * hold a double quote (CSAF file names are [+\-a-z0-9_.] and years), so quoting is plain.
 */
export function csafChanges(entries: readonly CsafEntry[]): string {
  return [...entries]
    .sort(
      (a, b) =>
        b.currentReleaseDate.getTime() - a.currentReleaseDate.getTime() ||
        relative(a).localeCompare(relative(b)),
    )
    .map((e) => `"${relative(e).replaceAll('"', '""')}","${isoSeconds(e.currentReleaseDate)}"\n`)
    .join("");
}

/** The ROLIE feed of the TLP:WHITE documents (CSAF 7.1.20), newest first. */
export function rolieFeed(
  publicUrl: string,
  publisher: Publisher,
  entries: readonly CsafEntry[],
  now: Date,
): Record<string, unknown> {
  const root = base(publicUrl);
  const sorted = [...entries].sort((a, b) => b.currentReleaseDate.getTime() - a.currentReleaseDate.getTime());
  const updated = sorted[0]?.currentReleaseDate ?? now;
  return {
    feed: {
      id: `${new URL(root).host}-csaf-feed-tlp-white`,
      title: `${publisher.name} CSAF feed (TLP:WHITE)`,
      link: [{ rel: "self", href: `${root}${ROLIE_FEED_PATH}` }],
      category: [{ scheme: "urn:ietf:params:rolie:category:information-type", term: "csaf" }],
      updated: isoSeconds(updated),
      entry: sorted.map((e) => ({
        id: e.trackingId,
        title: e.title,
        link: [
          { rel: "self", href: `${root}${e.path}` },
          { rel: "hash", href: `${root}${e.path}.sha256` },
          { rel: "hash", href: `${root}${e.path}.sha512` },
          { rel: "signature", href: `${root}${e.path}.asc` },
        ],
        published: isoSeconds(e.initialReleaseDate),
        updated: isoSeconds(e.currentReleaseDate),
        summary: { content: e.summary },
        content: { type: "application/json", src: `${root}${e.path}` },
        format: {
          schema: "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json",
          version: "2.0",
        },
      })),
    },
  };
}

/** The `CSAF:` line security.txt carries for a trusted provider. */
export function securityTxtCsafLine(publicUrl: string): string {
  return `CSAF: ${base(publicUrl)}${PROVIDER_METADATA_PATH}`;
}
