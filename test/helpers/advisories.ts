import { eq } from "drizzle-orm";
import {
  type AdvisoryContent,
  advisories,
  advisoryReports,
  advisoryRevisions,
  reportCredits,
  reporters,
  reports,
} from "../../src/db/schema.ts";
import { reportFields } from "./actors.ts";
import type { TestDb } from "./db.ts";

/** The text of a typical advisory, as a revision snapshots it. */
export function advisoryContent(over: Partial<AdvisoryContent> = {}): AdvisoryContent {
  return {
    title: "Stored XSS in the comment preview",
    summary: "Comment previews render unescaped HTML.",
    details:
      "An attacker who can post a comment can run script in a moderator's browser.\n\n- step one\n- step two",
    cveId: "CVE-2026-12345",
    noCveReason: null,
    cwe: ["CWE-79"],
    cvss: "CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:H/I:H/A:N",
    affected: [
      {
        product: "example-web",
        package: { ecosystem: "npm", name: "example-web" },
        ranges: [{ introduced: "2.0.0", fixed: "2.4.1" }],
      },
    ],
    workarounds: "Turn off comment previews.",
    solution: "Upgrade to 2.4.1.",
    references: [{ type: "FIX", url: "https://github.com/example/web/commit/c0ffee" }],
    teamCredits: [{ name: "Grace Hopper", role: "analyst", url: null }],
    ...over,
  };
}

export interface SeededAdvisory {
  id: string;
  publicId: string;
  reportIds: string[];
}

export interface AdvisorySeed {
  number: number;
  year?: number;
  state?: "draft" | "in_review" | "approved" | "published" | "withdrawn";
  publishedAt?: Date | null;
  withdrawnAt?: Date | null;
  withdrawnReason?: string | null;
  /** Every revision's content and date, oldest first; none for a draft. */
  revisions?: { content: AdvisoryContent; at: Date; summary?: string }[];
  /** The live (draft) columns: they must never show publicly. */
  draft?: Partial<AdvisoryContent>;
  /** The reporters of the covered reports: their credit choice (a report_credits row) or the old reporter fields. */
  reporters?: (
    | { choice: Omit<typeof reportCredits.$inferInsert, "reportId" | "updatedAt"> }
    | { legacy: { credit: "name" | "handle" | "anonymous"; name: string | null } }
  )[];
  authorId: string;
}

/** Inserts an advisory as the authoring and release features would leave it: the row, its revisions, reports and credits. */
export async function seedAdvisory(t: TestDb, seed: AdvisorySeed): Promise<SeededAdvisory> {
  const db = t.database.db;
  const year = seed.year ?? 2026;
  const publicId = `EMBSA-${year}-${String(seed.number).padStart(4, "0")}`;
  const reportIds: string[] = [];
  for (const who of seed.reporters ?? []) {
    const { report } = await t.services.reports.submit(reportFields(), [], "web");
    const [row] = await db.select().from(reports).where(eq(reports.reference, report.reference));
    if (!row) throw new Error("The report was not stored.");
    reportIds.push(row.id);
    // Intake records the reporter's first choice; a seed replaces it, or removes it to test the old column alone.
    await db.delete(reportCredits).where(eq(reportCredits.reportId, row.id));
    if ("legacy" in who)
      await db
        .update(reporters)
        .set({ credit: who.legacy.credit, name: who.legacy.name })
        .where(eq(reporters.id, row.reporterId));
    else await db.insert(reportCredits).values({ ...who.choice, reportId: row.id, updatedAt: t.clock() });
  }
  const live = advisoryContent({ ...(seed.revisions?.at(-1)?.content ?? {}), ...(seed.draft ?? {}) });
  const [inserted] = await db
    .insert(advisories)
    .values({
      publicId,
      idYear: year,
      idNumber: seed.number,
      state: seed.state ?? "published",
      title: live.title,
      summary: live.summary,
      details: live.details,
      cveId: live.cveId,
      noCveReason: live.noCveReason,
      cwe: live.cwe,
      cvss: live.cvss,
      affected: live.affected,
      workarounds: live.workarounds,
      solution: live.solution,
      references: live.references,
      teamCredits: live.teamCredits,
      lastEditorId: seed.authorId,
      createdBy: seed.authorId,
      publishedAt: seed.publishedAt ?? null,
      modifiedAt: seed.revisions?.at(-1)?.at ?? null,
      withdrawnAt: seed.withdrawnAt ?? null,
      withdrawnReason: seed.withdrawnReason ?? null,
      updatedAt: t.clock(),
    })
    .returning({ id: advisories.id });
  if (!inserted) throw new Error("The advisory was not stored.");
  for (const [i, rev] of (seed.revisions ?? []).entries())
    await db.insert(advisoryRevisions).values({
      advisoryId: inserted.id,
      number: i + 1,
      summary: rev.summary ?? (i === 0 ? "Initial publication." : `Update ${i + 1}.`),
      content: rev.content,
      actorId: seed.authorId,
      createdAt: rev.at,
    });
  for (const reportId of reportIds)
    await db.insert(advisoryReports).values({ advisoryId: inserted.id, reportId });
  return { id: inserted.id, publicId, reportIds };
}

/**
 * One published advisory (EMBSA-2026-0001, or another number where drafts made through the service already took
 * the first ones) by a member of its own, for tours that show the public pages.
 */
export async function seedPublishedAdvisory(t: TestDb, number = 1): Promise<SeededAdvisory> {
  const author = await t.services.team.createMember(null, {
    email: "advisory-author@example.org",
    name: "Advisory Author",
    role: "viewer",
    password: "advisory-author-password-long",
  });
  const at = new Date(t.clock().getTime() - 86_400_000);
  return seedAdvisory(t, {
    number,
    authorId: author.id,
    publishedAt: at,
    revisions: [{ content: advisoryContent(), at }],
    reporters: [{ legacy: { credit: "name", name: "Ada Lovelace" } }],
  });
}
