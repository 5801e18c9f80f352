import { createHmac } from "node:crypto";
import { and, asc, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { Logger } from "pino";
import type { Db } from "../../core/db.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import { assets, messages, reports } from "../../db/schema.ts";
import { tokenize } from "../../domain/search-text.ts";

/**
 * The search index holds keyed hashes of words, never words: report bodies and messages are encrypted at rest,
 * and a plaintext index would give their words away. Each token is HMAC-SHA256'd with a key derived from the data
 * key and cut to 64 bits, written as 16 letters a–p (one per nibble) so PostgreSQL's text-search parser keeps it
 * one word on every version, PGlite included. Without the data key the index says only how often unknown
 * words repeat.
 */
export interface SearchHasher {
  hash(token: string): string;
  /** The hashes of the given tokens, space-separated, in order: the input of to_tsvector('simple', …). */
  hashAll(tokens: readonly string[]): string;
}

const INDEX_KEY_LABEL = "search-index-v1";
const hashers = new WeakMap<DataCipher, SearchHasher>();

/** One hasher per data key; the derived key lives only in memory. */
export function searchHasher(cipher: DataCipher): SearchHasher {
  const cached = hashers.get(cipher);
  if (cached) return cached;
  const key = cipher.deriveKey(INDEX_KEY_LABEL);
  const hash = (token: string) => {
    const digest = createHmac("sha256", key).update(token, "utf8").digest();
    let out = "";
    for (let i = 0; i < 8; i++) {
      const byte = digest[i]!;
      out += String.fromCharCode(97 + (byte >> 4), 97 + (byte & 15));
    }
    return out;
  };
  const hasher: SearchHasher = { hash, hashAll: (tokens) => tokens.map(hash).join(" ") };
  hashers.set(cipher, hasher);
  return hasher;
}

/** A weighted text for the index: A for titles, B for description, steps and messages, C for impact and asset. */
export interface WeightedText {
  a?: string;
  b?: string;
  c?: string;
}

/** The tsvector of a weighted text, as an SQL expression; only hash letters and spaces reach to_tsvector. */
export function vectorSql(hasher: SearchHasher, text: WeightedText): SQL {
  const part = (value: string | undefined, weight: "A" | "B" | "C") =>
    sql`setweight(to_tsvector('simple', ${hasher.hashAll(tokenize(value ?? ""))}), ${weight})`;
  return sql`(${part(text.a, "A")} || ${part(text.b, "B")} || ${part(text.c, "C")})`;
}

/** The words of a report as the index weighs them. */
export function reportText(
  title: string,
  body: { description?: string; steps?: string; impact?: string },
  asset: { name: string; identifier: string } | null,
): WeightedText {
  return {
    a: title,
    b: `${body.description ?? ""}\n${body.steps ?? ""}`,
    c: `${body.impact ?? ""}\n${asset ? `${asset.name} ${asset.identifier}` : ""}`,
  };
}

/** The words of a report about to be stored, read from the plaintext the caller holds (the asset is looked up). */
export async function newReportText(
  db: Db,
  title: string,
  body: { description?: string; steps?: string; impact?: string },
  assetId: string | null,
): Promise<WeightedText> {
  const [asset] = assetId
    ? await db
        .select({ name: assets.name, identifier: assets.identifier })
        .from(assets)
        .where(eq(assets.id, assetId))
    : [];
  return reportText(title, body, asset ?? null);
}

function reportWeightedText(db: Db, cipher: DataCipher, report: typeof reports.$inferSelect) {
  const body = cipher.decryptJson<{ description?: string; steps?: string; impact?: string }>(report.bodyEnc);
  return newReportText(db, report.title, body, report.assetId);
}

/** (Re)writes one report's index from its decrypted text; call it in the transaction that wrote the report. */
export async function indexReport(db: Db, cipher: DataCipher, reportId: string): Promise<void> {
  const [report] = await db.select().from(reports).where(eq(reports.id, reportId));
  if (!report) return;
  const text = await reportWeightedText(db, cipher, report);
  await db
    .update(reports)
    .set({ searchIndex: vectorSql(searchHasher(cipher), text) })
    .where(eq(reports.id, reportId));
}

/** Writes one message's index; the caller passes the plaintext it just encrypted, so nothing is decrypted again. */
export async function indexMessage(
  db: Db,
  cipher: DataCipher,
  messageId: string,
  body: string,
): Promise<void> {
  await db
    .update(messages)
    .set({ searchIndex: vectorSql(searchHasher(cipher), { b: body }) })
    .where(eq(messages.id, messageId));
}

/**
 * Indexes every report and message that has no index yet (rows from before search existed, or written by code
 * that does not index), in batches. Idempotent: an indexed row is never selected again, and an empty text gets an
 * empty (not null) index.
 */
export async function backfillSearchIndex(
  db: Db,
  cipher: DataCipher,
  options: { batchSize?: number } = {},
): Promise<{ reports: number; messages: number }> {
  const batchSize = options.batchSize ?? 200;
  const hasher = searchHasher(cipher);
  let reportCount = 0;
  let messageCount = 0;
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(reports)
        .where(isNull(reports.searchIndex))
        .orderBy(asc(reports.seq))
        .limit(batchSize);
      for (const row of rows) {
        const text = await reportWeightedText(tx, cipher, row);
        await tx
          .update(reports)
          .set({ searchIndex: vectorSql(hasher, text) })
          .where(and(eq(reports.id, row.id), isNull(reports.searchIndex)));
      }
      reportCount += rows.length;
      return rows.length < batchSize;
    });
    if (done) break;
  }
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const rows = await tx
        .select({ id: messages.id, bodyEnc: messages.bodyEnc })
        .from(messages)
        .where(isNull(messages.searchIndex))
        .orderBy(asc(messages.seq))
        .limit(batchSize);
      for (const row of rows) {
        await tx
          .update(messages)
          .set({ searchIndex: vectorSql(hasher, { b: cipher.decryptText(row.bodyEnc) }) })
          .where(and(eq(messages.id, row.id), isNull(messages.searchIndex)));
      }
      messageCount += rows.length;
      return rows.length < batchSize;
    });
    if (done) break;
  }
  return { reports: reportCount, messages: messageCount };
}

/** Runs the backfill after start-up without holding it up; failures are logged and retried at the next start. */
export function startSearchBackfill(db: Db, cipher: DataCipher, logger: Logger): Promise<void> {
  return backfillSearchIndex(db, cipher).then(
    (done) => {
      if (done.reports + done.messages > 0) logger.info(done, "search index backfilled");
    },
    (error: unknown) => logger.error({ err: error }, "search index backfill failed"),
  );
}
