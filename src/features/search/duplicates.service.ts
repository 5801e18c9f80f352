import { and, asc, eq, inArray, ne, or, sql } from "drizzle-orm";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import { type Db, savepoint, type Tx } from "../../core/db.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import { assets, reporters, reports } from "../../db/schema.ts";
import { titleSimilarity, tokenize } from "../../domain/search-text.ts";
import { reportText, searchHasher, vectorSql, type WeightedText } from "./search-index.service.ts";

/** An existing report that looks like the one at hand, with a 0–100 similarity score. */
export interface SimilarReport {
  id: string;
  reference: string;
  title: string;
  state: string;
  receivedAt: Date;
  score: number;
  sameAsset: boolean;
  /** Set when the candidate is itself a duplicate: the report it duplicates. */
  duplicateOfId: string | null;
}

/** Suggestions at or above this score are recorded on a new report's timeline at intake. */
export const INTAKE_SUGGESTION_THRESHOLD = 40;
/** At most this many of a report's words go into the OR-query; the title's come first. */
const MAX_QUERY_TOKENS = 64;
/** Candidates re-scored in TypeScript after the index's ranking, from a longer shortlist ranked cheaply. */
const CANDIDATES = 30;
const SHORTLIST = 40;
/**
 * The cap on what is ranked at all: the newest reports sharing any of the report's words. Ranking reads each
 * candidate's index, so without a cap its cost grows with every report ever received.
 */
const RECENT_CANDIDATES = 300;

type Rows<T> = { rows: T[] };

/** The report's most telling distinct tokens: title words first, then the words it repeats most. */
function queryTokens(text: WeightedText): string[] {
  const weight = new Map<string, number>();
  const add = (value: string | undefined, w: number) => {
    for (const token of tokenize(value ?? "")) weight.set(token, (weight.get(token) ?? 0) + w);
  };
  add(text.a, 10);
  add(text.b, 1);
  add(text.c, 0.5);
  return [...weight.entries()]
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
    .slice(0, MAX_QUERY_TOKENS)
    .map(([token]) => token);
}

/**
 * The reports most like this one. The index ranks candidates (an OR-query of the report's own hashed words with
 * ts_rank_cd, title words weighing most), each candidate's rank is scaled by what the report scores against
 * itself, then title trigram similarity (titles are plaintext) and a same-asset bonus are added:
 * 60% words, 25% title, 15% same asset. Spam is never suggested.
 */
/** A report as duplicate ranking needs it: what the index would hold for it, and its title and asset. */
export interface DuplicateSubject {
  id: string;
  title: string;
  assetId: string | null;
  text: WeightedText;
}

/** A stored report's subject, read and decrypted. */
async function readSubject(db: Db, cipher: DataCipher, reportId: string): Promise<DuplicateSubject | null> {
  const [report] = await db.select().from(reports).where(eq(reports.id, reportId));
  if (!report) return null;
  const [asset] = report.assetId
    ? await db
        .select({ name: assets.name, identifier: assets.identifier })
        .from(assets)
        .where(eq(assets.id, report.assetId))
    : [];
  const body = cipher.decryptJson<{ description?: string; steps?: string; impact?: string }>(report.bodyEnc);
  const text = reportText(report.title, body, asset ?? null);
  return { id: report.id, title: report.title, assetId: report.assetId, text };
}

/**
 * The reports most like this one. The index ranks candidates (an OR-query of the report's own hashed words with
 * ts_rank_cd, title words weighing most), each candidate's rank is scaled by what the report scores against
 * itself, then title trigram similarity (titles are plaintext) and a same-asset bonus are added:
 * 60% words, 25% title, 15% same asset. Spam is never suggested.
 */
export async function suggestDuplicates(
  db: Db,
  cipher: DataCipher,
  reportOrId: string | DuplicateSubject,
  options: { limit?: number; recentCandidates?: number } = {},
): Promise<SimilarReport[]> {
  const report = typeof reportOrId === "string" ? await readSubject(db, cipher, reportOrId) : reportOrId;
  if (!report) return [];
  const { text } = report;
  const tokens = queryTokens(text);
  if (tokens.length === 0) return [];
  const hasher = searchHasher(cipher);
  const query = sql`to_tsquery('simple', ${tokens.map((t) => hasher.hash(t)).join(" | ")})`;

  // One statement: what the report scores against itself (the scale) beside each candidate's score. The
  // candidates are capped before anything is ranked, so the cost stays flat as reports pile up. The cap's query
  // names the words itself (not the lateral's q), so the planner sees them and picks by their frequency: common
  // words walk the seq index newest first and stop at the cap; rare ones read the GIN index and sort what it
  // found, rather than walking every report for a handful of matches.
  const candidates = (await db.execute(
    // ts_rank_cd with a long OR-query is slow, so the cheaper ts_rank picks a shortlist first.
    sql`select r.id, r.reference, r.title, r.state, r.asset_id, r.received_at, r.duplicate_of_id,
               ts_rank_cd(r.search_index, s.q) as rank, ts_rank_cd(r.search_index, s.q, 2) as rank_len,
               s.self_rank, s.self_rank_len
        from (select q, ts_rank_cd(v, q) as self_rank, ts_rank_cd(v, q, 2) as self_rank_len
              from (select ${vectorSql(hasher, text)} as v, ${query} as q) own) s,
             lateral (select * from reports r
                      where r.id in (select r.id from reports r
                                     where r.search_index @@ ${query} and r.id <> ${report.id}
                                       and (r.rejection_reason is null or r.rejection_reason <> 'spam')
                                     order by r.seq desc limit ${options.recentCandidates ?? RECENT_CANDIDATES})
                      order by ts_rank(r.search_index, s.q) desc, r.seq asc
                      limit ${SHORTLIST}) r
        order by rank desc, r.seq asc
        limit ${CANDIDATES}`,
  )) as unknown as Rows<{
    id: string;
    reference: string;
    title: string;
    state: string;
    asset_id: string | null;
    received_at: Date | string;
    duplicate_of_id: string | null;
    rank: number;
    rank_len: number;
    self_rank: number;
    self_rank_len: number;
  }>;
  const selfRank = Number(candidates.rows[0]?.self_rank ?? 0);
  const selfRankLen = Number(candidates.rows[0]?.self_rank_len ?? 0);
  if (selfRank <= 0 || selfRankLen <= 0) return [];

  const scored = candidates.rows.map((c) => {
    const coverage = Math.min(1, Number(c.rank) / selfRank);
    const density = Math.min(1, Number(c.rank_len) / selfRankLen);
    const words = Math.sqrt(coverage * density);
    const title = titleSimilarity(report.title, c.title);
    const sameAsset = report.assetId !== null && c.asset_id === report.assetId;
    const score = Math.round(100 * Math.min(1, 0.6 * words + 0.25 * title + (sameAsset ? 0.15 : 0)));
    return {
      id: c.id,
      reference: c.reference,
      title: c.title,
      state: c.state,
      receivedAt: new Date(c.received_at),
      score,
      sameAsset,
      duplicateOfId: c.duplicate_of_id,
    };
  });
  scored.sort((x, y) => y.score - x.score || x.receivedAt.getTime() - y.receivedAt.getTime());
  return scored.slice(0, options.limit ?? 5);
}

/**
 * The inbox marks a new report as a likely duplicate when its best candidate scores at least this: high enough that
 * the mark is rarely wrong (near-identical reports score 60 and more), where the timeline lists weaker suggestions.
 */
export const LIKELY_DUPLICATE_SCORE = 60;

/** What intake learned about a new report's duplicates: the suggestions worth recording and the likely one. */
export interface IntakeDuplicates {
  suggestions: SimilarReport[];
  /** The best candidate, when it scores at least LIKELY_DUPLICATE_SCORE; stored on the report for the inbox. */
  likely: { id: string; score: number } | null;
}

/**
 * Ranks a new report's duplicates at intake, before the report is stored, so the likely one goes into the same
 * insert and the inbox reads a column instead of ranking per row. The subject's id is the one the insert will use.
 */
export async function rankIntakeDuplicates(
  tx: Tx,
  cipher: DataCipher,
  report: DuplicateSubject,
): Promise<IntakeDuplicates> {
  // Suggestions are advice: a failure here must never cost the reporter their report, so it runs in a savepoint
  // whose failure leaves the intake transaction intact (the report page still computes them on view).
  try {
    return await savepoint(tx, async (sp) => {
      const suggestions = (await suggestDuplicates(sp, cipher, report, { limit: 3 })).filter(
        (s) => s.score >= INTAKE_SUGGESTION_THRESHOLD,
      );
      const best = suggestions[0];
      const likely = best && best.score >= LIKELY_DUPLICATE_SCORE ? { id: best.id, score: best.score } : null;
      return { suggestions, likely };
    });
  } catch {
    return { suggestions: [], likely: null };
  }
}

/**
 * At intake, the likeliest duplicates go on the new report's timeline (an audit event the reporter never sees),
 * so triagers see them before they open the report page. Called once the report is stored; it sends nothing
 * itself, the event is written with the intake's other events at commit.
 */
export async function recordIntakeSuggestions(
  tx: Tx,
  reportId: string,
  found: IntakeDuplicates,
  now: Date,
): Promise<void> {
  if (found.suggestions.length === 0) return;
  await appendAuditEvent(
    tx,
    {
      actorType: "system",
      actorId: null,
      action: "report.duplicates_suggested",
      reportId,
      data: {
        suggestions: found.suggestions.map((s) => ({ id: s.id, reference: s.reference, score: s.score })),
      },
    },
    now,
  );
}

/** The timeline's sentence for recorded suggestions. */
export function describeSuggestions(data: Record<string, unknown>): string {
  const list = Array.isArray(data.suggestions) ? data.suggestions : [];
  const items = list
    .map((s) => s as { reference?: unknown; score?: unknown })
    .filter((s) => typeof s.reference === "string")
    .map((s) => `${String(s.reference)} (${Number(s.score)}%)`);
  return items.length > 0 ? `Possible duplicate of ${items.join(", ")}.` : "Possible duplicates were found.";
}

/** The name the credit goes to: the reporter's name or handle, or "anonymous" when they asked for none. */
export function creditName(reporter: { name: string | null; credit: string }): string {
  return reporter.credit === "anonymous" || !reporter.name ? "anonymous" : reporter.name;
}

/** Who reported an issue first among the original and its duplicates (this one included), for credit. */
export async function firstReporter(
  db: Db,
  originalId: string,
  alsoConsider: string[] = [],
): Promise<{ reportId: string; reference: string; receivedAt: Date; credit: string } | null> {
  const ids = [originalId, ...alsoConsider];
  const rows = await db
    .select({
      id: reports.id,
      reference: reports.reference,
      receivedAt: reports.receivedAt,
      name: reporters.name,
      credit: reporters.credit,
    })
    .from(reports)
    .innerJoin(reporters, eq(reporters.id, reports.reporterId))
    .where(or(inArray(reports.id, ids), eq(reports.duplicateOfId, originalId)))
    .orderBy(asc(reports.receivedAt), asc(reports.seq))
    .limit(1);
  const first = rows[0];
  if (!first) return null;
  return {
    reportId: first.id,
    reference: first.reference,
    receivedAt: first.receivedAt,
    credit: creditName(first),
  };
}

/** The duplicates of a report and which way it links: for the report page's panel. */
export async function duplicateLinks(db: Db, reportId: string) {
  const duplicates = await db
    .select({
      id: reports.id,
      reference: reports.reference,
      title: reports.title,
      receivedAt: reports.receivedAt,
      name: reporters.name,
      credit: reporters.credit,
    })
    .from(reports)
    .innerJoin(reporters, eq(reporters.id, reports.reporterId))
    .where(and(eq(reports.duplicateOfId, reportId), ne(reports.id, reportId)))
    .orderBy(asc(reports.receivedAt), asc(reports.seq));
  const first = duplicates.length > 0 ? await firstReporter(db, reportId) : null;
  return {
    duplicates: duplicates.map((d) => ({
      id: d.id,
      reference: d.reference,
      title: d.title,
      receivedAt: d.receivedAt,
      credit: creditName(d),
    })),
    firstReported: first,
  };
}
