import { and, asc, eq, ilike, inArray, or, type SQL, sql } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import { messages, reports } from "../../db/schema.ts";
import { can, type Role } from "../../domain/permissions.ts";
import {
  makeSnippet,
  type ParsedSearch,
  parseSearch,
  type Snippet,
  snippetHtml,
  snippetText,
} from "../../domain/search-text.ts";
import {
  type DuplicateSubject,
  duplicateLinks,
  firstReporter,
  rankIntakeDuplicates,
  recordIntakeSuggestions,
  suggestDuplicates,
} from "./duplicates.service.ts";
import {
  backfillSearchIndex,
  indexMessage,
  indexReport,
  newReportText,
  searchHasher,
  vectorSql,
  type WeightedText,
} from "./search-index.service.ts";

/** Whose eyes a search runs for: internal notes are searched only for roles that may read them. */
export interface SearchReader {
  role: Role;
}

/** Whether this reader's searches may look into internal notes. Unknown readers get the narrowest view. */
export function searchesInternalNotes(reader: SearchReader | null | undefined): boolean {
  return reader ? can(reader.role, "report.read_internal") : false;
}

/** The tsquery that asks for every term (AND), built only from hash letters: user input never reaches it. */
export function allTermsQuery(cipher: DataCipher, terms: readonly string[]): SQL | null {
  if (terms.length === 0) return null;
  const hasher = searchHasher(cipher);
  return sql`to_tsquery('simple', ${terms.map((t) => hasher.hash(t)).join(" & ")})`;
}

/**
 * The inbox's text filter as alternatives, each a condition on a reports row: the report a reference names, every
 * word of the query in the report's index (title, body, asset), or every word in one of its messages the reader
 * may read. A report matches when any alternative does. They stay apart so the inbox can page each one on its own
 * (see queryInbox): each alternative alone lets PostgreSQL choose between the search index (a rare word) and
 * walking the sort's index and checking each row until the page is full (a common word), where their OR, or a
 * union of matching ids, would gather every match first. A title substring is searched only when the query has no
 * word to look up: that needs a scan, which the words never do.
 */
export function textFilterAlternatives(
  cipher: DataCipher,
  search: ParsedSearch,
  includeInternal: boolean,
): SQL[] | null {
  if (!search.raw) return null;
  const alternatives: SQL[] = [];
  if (search.reference) alternatives.push(eq(reports.reference, search.reference));
  const query = allTermsQuery(cipher, search.terms);
  if (query) {
    const visible = includeInternal ? sql`` : sql` and m.visibility = 'reporter'`;
    alternatives.push(sql`${reports.searchIndex} @@ ${query}`);
    alternatives.push(
      sql`${reports.id} in (select m.report_id from messages m where m.search_index @@ ${query}${visible})`,
    );
  }
  if (alternatives.length === 0) {
    const pattern = `%${search.raw.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    alternatives.push(or(ilike(reports.title, pattern), ilike(reports.reference, pattern))!);
  }
  return alternatives;
}

/** The inbox's text filter as one condition: any of textFilterAlternatives. */
export function textFilterCondition(
  cipher: DataCipher,
  search: ParsedSearch,
  includeInternal: boolean,
): SQL | null {
  const alternatives = textFilterAlternatives(cipher, search, includeInternal);
  return alternatives ? or(...alternatives)! : null;
}

/** Where a result's snippet comes from, so the page can say so. */
export interface SearchSnippet {
  from: "report" | "message";
  /** For messages: internal note, or a message to or from the reporter. */
  visibility?: "reporter" | "internal";
  authorType?: "reporter" | "team" | "system";
  /** The snippet as escaped HTML with <mark> around matches. */
  html: string;
  text: string;
  /** How many distinct query terms it shows. */
  matched: number;
}

const asResult = (
  snippet: Snippet,
  base: Omit<SearchSnippet, "html" | "text" | "matched">,
): SearchSnippet => ({
  ...base,
  matched: snippet.matched,
  html: snippetHtml(snippet),
  text: snippetText(snippet),
});

/**
 * Snippets for one page of results, made after decrypting the matched rows: the report body when it holds the
 * words, otherwise the best matching message the reader may read. Rows that matched only on title or reference
 * get none.
 */
export async function searchSnippets(
  db: Db,
  cipher: DataCipher,
  rows: ReadonlyArray<{ id: string; bodyEnc: string }>,
  search: ParsedSearch,
  includeInternal: boolean,
): Promise<Map<string, SearchSnippet>> {
  const out = new Map<string, SearchSnippet>();
  if (search.terms.length === 0 || rows.length === 0) return out;
  const missing: string[] = [];
  for (const row of rows) {
    const body = cipher.decryptJson<{ description?: string; steps?: string; impact?: string }>(row.bodyEnc);
    let best: Snippet | null = null;
    for (const text of [body.description, body.steps, body.impact]) {
      const snippet = makeSnippet(text ?? "", search.terms);
      if (snippet && (!best || snippet.matched > best.matched)) best = snippet;
    }
    if (best) out.set(row.id, asResult(best, { from: "report" }));
    if (!best || best.matched < search.terms.length) missing.push(row.id);
  }
  const query = allTermsQuery(cipher, search.terms);
  if (missing.length === 0 || !query) return out;
  const conditions = [inArray(messages.reportId, missing), sql`${messages.searchIndex} @@ ${query}`];
  if (!includeInternal) conditions.push(eq(messages.visibility, "reporter"));
  const matching = await db
    .select({
      reportId: messages.reportId,
      bodyEnc: messages.bodyEnc,
      visibility: messages.visibility,
      authorType: messages.authorType,
    })
    .from(messages)
    .where(and(...conditions))
    .orderBy(asc(messages.seq));
  for (const m of matching) {
    const snippet = makeSnippet(cipher.decryptText(m.bodyEnc), search.terms);
    if (!snippet) continue;
    const current = out.get(m.reportId);
    // A message showing every term beats a body snippet showing only some of them.
    if (snippet.matched > (current?.matched ?? 0)) {
      out.set(
        m.reportId,
        asResult(snippet, { from: "message", visibility: m.visibility, authorType: m.authorType }),
      );
    }
  }
  return out;
}

export { parseSearch };

/** The search feature's calls that pages and tests need, with their dependencies bound. */
export function createSearchService(deps: { db: Db; cipher: DataCipher }) {
  const { db, cipher } = deps;
  return {
    /** The top similar reports for a report's "Similar reports" panel. */
    similar: (reportId: string, limit = 5) => suggestDuplicates(db, cipher, reportId, { limit }),
    /** A report's duplicates and who reported the issue first. */
    duplicateLinks: (reportId: string) => duplicateLinks(db, reportId),
    /** Indexes rows that have no index yet. */
    backfill: (batchSize?: number) =>
      backfillSearchIndex(db, cipher, batchSize === undefined ? {} : { batchSize }),
    /** Rewrites a report's keyed index in the caller's transaction (title, body, asset). */
    indexReport: (tx: Tx, reportId: string) => indexReport(tx, cipher, reportId),
    /** Indexes one message's text in the caller's transaction. */
    indexMessage: (tx: Tx, messageId: string, body: string) => indexMessage(tx, cipher, messageId, body),
    /** The words a new report's index holds, from the plaintext its writer has (so nothing is read back). */
    newReportText,
    /** The keyed index of a text, as the value of a search_index column in the insert that stores its row. */
    indexValue: (text: WeightedText): SQL => vectorSql(searchHasher(cipher), text),
    /** Ranks a new report's duplicates at intake, before it is stored: the suggestions and the likely one. */
    rankIntakeDuplicates: (tx: Tx, report: DuplicateSubject) => rankIntakeDuplicates(tx, cipher, report),
    /** Keeps the likely duplicates of a new report on its timeline, as ranked at intake. */
    recordIntakeSuggestions,
    /** Rewrites a report's index under another data key (a rotation re-seals with a cipher of its own). */
    reindexReport: (tx: Tx, sealing: DataCipher, reportId: string) => indexReport(tx, sealing, reportId),
    /** Rewrites a message's index under another data key. */
    reindexMessage: (tx: Tx, sealing: DataCipher, messageId: string, body: string) =>
      indexMessage(tx, sealing, messageId, body),
    firstReporter,
    parseSearch,
    searchesInternalNotes,
    /** The inbox's text filter over the keyed index; internal notes only for members who may read them. */
    textFilterCondition: (search: ReturnType<typeof parseSearch>, includeInternal: boolean) =>
      textFilterCondition(cipher, search, includeInternal),
    /** The same filter as alternatives the inbox pages one by one (queryInbox's textAlternatives). */
    textFilterAlternatives: (search: ReturnType<typeof parseSearch>, includeInternal: boolean) =>
      textFilterAlternatives(cipher, search, includeInternal),
    /** Highlighted snippets of the inbox rows that matched. */
    snippets: (
      reader: Db,
      rows: Parameters<typeof searchSnippets>[2],
      search: ReturnType<typeof parseSearch>,
      includeInternal: boolean,
    ) => searchSnippets(reader, cipher, rows, search, includeInternal),
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
