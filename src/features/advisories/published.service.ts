// The public side of advisories: what /advisories, the feed, the OSV, CVE and CSAF documents and `embargo export`
// show. An advisory is public once it is published (or withdrawn) and its publication time has come by the
// injected clock; anything else is reported as absent, exactly like an unknown id. The text is always the latest
// revision's snapshot, and credits always pass through publicCredits(), so an anonymous reporter never appears.

import { createHash } from "node:crypto";
import type { Clock } from "../../core/clock.ts";
import type { Db } from "../../core/db.ts";
import { advisoryFeed } from "../../domain/advisory-feed.ts";
import type { AdvisoryCredit, AdvisoryRecord, Publisher } from "../../domain/advisory-record.ts";
import { type CreditChoice, publicCredits } from "../../domain/credit.ts";
import {
  type CsafEntry,
  csafChanges,
  csafIndex,
  providerMetadata,
  rolieFeed,
} from "../../domain/csaf-distribution.ts";
import { scoreCvss } from "../../domain/cvss.ts";
import { csafPath, toCsaf } from "../../domain/export-csaf.ts";
import { toCve5 } from "../../domain/export-cve.ts";
import { toOsv } from "../../domain/export-osv.ts";
import type { KeysService } from "../keys/keys.service.ts";
import { INTAKE_KEY_PATH } from "../keys/keys.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import {
  listPublished,
  listReporterCredits,
  listRevisions,
  type PublishedRow,
  type ReporterCreditRow,
  type RevisionRow,
  readPublished,
} from "./published.repo.ts";

export const ADVISORIES_FEED_PATH = "/advisories.atom";

/** A CVSS vector's score as the public page shows it. */
export interface PublicSeverity {
  label: string;
  score: number;
  vector: string;
  version: string;
}

/** A published advisory as the public pages read it. */
export interface PublicAdvisory {
  record: AdvisoryRecord;
  severity: PublicSeverity | null;
  withdrawnReason: string | null;
}

/** A document served byte for byte: the same bytes for the same revision, every time. */
export interface ServedDocument {
  bytes: string;
  record: AdvisoryRecord;
}

export interface PublishedDeps {
  db: Db;
  clock: Clock;
  /** Read on every call, so a changed PUBLIC_URL takes effect. */
  publicUrl: () => string;
  settings: SettingsService;
  keys: KeysService;
}

/** JSON as served and exported: two-space indentation and a final newline, so the bytes are stable. */
export function stableJson(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The severity a CVSS vector gives, or null for none or a vector that does not parse. */
export function publicSeverity(vector: string | null): PublicSeverity | null {
  if (!vector) return null;
  const scored = scoreCvss(vector);
  if (!scored.ok) return null;
  const s = scored.value;
  return s.version === "4.0"
    ? { label: s.severity, score: s.score, vector: s.vector, version: s.version }
    : { label: s.baseSeverity, score: s.baseScore, vector: s.vector, version: s.version };
}

/** A reporter's credit choice, or the old reporter fields read the same way (name, handle, or nothing). */
function reporterChoice(row: ReporterCreditRow): CreditChoice | null {
  if (row.choice) return { ...row.choice, hallOfFame: false };
  const name = row.legacy.name?.trim() || null;
  if (!name || row.legacy.credit === "anonymous") return null;
  const base = { name: null, handle: null, url: null, affiliation: null, coFinders: [], hallOfFame: false };
  return row.legacy.credit === "name"
    ? { ...base, display: "name", name }
    : { ...base, display: "handle", handle: name };
}

/** The public credits: each covered report's reporter as they chose, then the team's, each person once. */
function creditsOf(rows: readonly ReporterCreditRow[], content: RevisionRow["content"]): AdvisoryCredit[] {
  const all = [
    ...rows.flatMap((r) => publicCredits(reporterChoice(r), [])),
    ...publicCredits(null, content.teamCredits ?? []),
  ];
  const seen = new Set<string>();
  return all.filter((c) => {
    const key = `${c.role}\u0000${c.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Builds the exports' record of a public advisory from its latest revision, never from the draft columns. */
export function buildRecord(
  row: PublishedRow,
  revisions: readonly RevisionRow[],
  credits: readonly ReporterCreditRow[],
  publicUrl: string,
): AdvisoryRecord | null {
  const latest = revisions.at(-1);
  if (!latest) return null;
  const c = latest.content;
  const withdrawn = row.state === "withdrawn" ? (row.withdrawnAt ?? latest.createdAt) : null;
  const modifiedCandidates = [row.modifiedAt, latest.createdAt, withdrawn].filter((d): d is Date => !!d);
  const modified = new Date(Math.max(...modifiedCandidates.map((d) => d.getTime())));
  return {
    id: row.publicId,
    title: c.title,
    summary: c.summary,
    details: c.details,
    cveId: c.cveId,
    cwe: c.cwe ?? [],
    cvss: c.cvss,
    affected: c.affected ?? [],
    workarounds: c.workarounds,
    solution: c.solution,
    references: c.references ?? [],
    credits: creditsOf(credits, c),
    published: row.publishedAt,
    modified,
    withdrawn,
    revisions: revisions.map((r) => ({ number: r.number, date: r.createdAt, summary: r.summary })),
    url: `${publicUrl.replace(/\/+$/, "")}/advisories/${encodeURIComponent(row.publicId)}`,
  };
}

/** The published advisories and every public document made from them. */
export function createPublishedAdvisoriesService(deps: PublishedDeps) {
  const { db, clock } = deps;
  /** Signatures already made, by key fingerprint and document bytes: the same document gets the same .asc. */
  const signatures = new Map<string, string>();

  async function assemble(rows: readonly PublishedRow[]): Promise<PublicAdvisory[]> {
    const ids = rows.map((r) => r.id);
    const [revisions, credits] = await Promise.all([listRevisions(db, ids), listReporterCredits(db, ids)]);
    const out: PublicAdvisory[] = [];
    for (const row of rows) {
      const record = buildRecord(
        row,
        revisions.filter((r) => r.advisoryId === row.id),
        credits.filter((c) => c.advisoryId === row.id),
        deps.publicUrl(),
      );
      // A published row without its publication revision has no reviewed text to show: it stays hidden.
      if (record)
        out.push({ record, severity: publicSeverity(record.cvss), withdrawnReason: row.withdrawnReason });
    }
    return out;
  }

  async function list(): Promise<PublicAdvisory[]> {
    return assemble(await listPublished(db, clock()));
  }

  async function get(publicId: string): Promise<PublicAdvisory | null> {
    if (publicId.length > 100) return null;
    const row = await readPublished(db, publicId, clock());
    return row ? ((await assemble([row]))[0] ?? null) : null;
  }

  async function publisher(): Promise<Publisher> {
    const org = await deps.settings.org();
    return {
      name: org.name,
      namespace: deps.publicUrl().replace(/\/+$/, ""),
      vendor: org.name,
      cnaOrgId: org.cnaOrgId ? org.cnaOrgId : null,
      cnaShortName: null,
    };
  }

  /** When the published set last changed; with none, the intake key's creation, so an empty list is stable too. */
  async function lastChange(all: readonly PublicAdvisory[]): Promise<Date> {
    const times = all.map((a) => a.record.modified.getTime());
    if (times.length > 0) return new Date(Math.max(...times));
    return new Date((await deps.keys.intakeKeys()).current.createdAt);
  }

  const csafEntry = (a: PublicAdvisory): CsafEntry => ({
    trackingId: a.record.id,
    title: a.record.title,
    path: csafPath(a.record),
    initialReleaseDate: a.record.published,
    currentReleaseDate: a.record.revisions.at(-1)?.date ?? a.record.published,
    summary: a.record.summary,
  });

  return {
    list,
    get,
    publisher,

    /** The OSV record's bytes, or null when the advisory is not public. */
    async osv(publicId: string): Promise<ServedDocument | null> {
      const a = await get(publicId);
      return a ? { bytes: stableJson(toOsv(a.record)), record: a.record } : null;
    },

    /** The CVE JSON 5 record's bytes; null when not public, or the reason there is none (no CVE ID, no cnaOrgId). */
    async cve(publicId: string): Promise<ServedDocument | { problem: string } | null> {
      const a = await get(publicId);
      if (!a) return null;
      const cve = toCve5(a.record, await publisher());
      return cve.ok ? { bytes: stableJson(cve.record), record: a.record } : { problem: cve.problem };
    },

    /** The CSAF document of a public advisory by its id. */
    async csaf(publicId: string): Promise<ServedDocument | null> {
      const a = await get(publicId);
      return a ? { bytes: stableJson(toCsaf(a.record, await publisher())), record: a.record } : null;
    },

    /** The CSAF document at a path under /.well-known/csaf/white/, or null. */
    async csafAt(path: string): Promise<ServedDocument | null> {
      const a = (await list()).find((x) => csafPath(x.record) === path);
      return a ? { bytes: stableJson(toCsaf(a.record, await publisher())), record: a.record } : null;
    },

    async csafIndex(): Promise<string> {
      return csafIndex((await list()).map(csafEntry).sort((x, y) => x.path.localeCompare(y.path)));
    },

    async csafChanges(): Promise<string> {
      return csafChanges((await list()).map(csafEntry));
    },

    async rolieFeed(): Promise<string> {
      const all = await list();
      return stableJson(
        rolieFeed(deps.publicUrl(), await publisher(), all.map(csafEntry), await lastChange(all)),
      );
    },

    async providerMetadata(): Promise<string> {
      const all = await list();
      const { current } = await deps.keys.intakeKeys();
      return stableJson(
        providerMetadata(
          deps.publicUrl(),
          await publisher(),
          { fingerprint: current.fingerprint, path: INTAKE_KEY_PATH },
          await lastChange(all),
        ),
      );
    },

    /** The Atom feed of the public advisories. */
    async feed(): Promise<string> {
      const all = await list();
      const org = await deps.settings.org();
      return advisoryFeed(
        {
          title: `${org.name} security advisories`,
          publicUrl: deps.publicUrl(),
          feedPath: ADVISORIES_FEED_PATH,
          author: org.name,
        },
        all.map((a) => ({
          id: a.record.id,
          title: a.record.title,
          summary: a.record.summary,
          severity: a.severity?.label ?? null,
          cveId: a.record.cveId,
          url: a.record.url,
          published: a.record.published,
          updated: a.record.modified,
          withdrawn: a.record.withdrawn !== null,
        })),
        await lastChange(all),
      );
    },

    /** A detached armored signature by the intake key over these bytes; made once per key and document. */
    async signature(bytes: string): Promise<string> {
      const { current } = await deps.keys.intakeKeys();
      const key = `${current.fingerprint}:${createHash("sha256").update(bytes).digest("hex")}`;
      const known = signatures.get(key);
      if (known) return known;
      const signed = await deps.keys.signDetached(new TextEncoder().encode(bytes));
      if (signatures.size > 500) signatures.clear();
      signatures.set(key, signed);
      return signed;
    },
  };
}

export type PublishedAdvisoriesService = ReturnType<typeof createPublishedAdvisoriesService>;
