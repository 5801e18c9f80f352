import { and, asc, eq, inArray, isNotNull, not, sql } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import {
  alertChannels,
  attachments,
  inboundEmails,
  intakeKeys,
  messages,
  outbox,
  packageVerifications,
  reports,
  repositories,
} from "../../db/schema.ts";
import type { SearchService } from "../search/search.service.ts";

export interface DataKeyDeps {
  db: Db;
  /** The keyed search index is derived from the data key, so it is rewritten with every re-sealed row. */
  search: Pick<SearchService, "reindexReport" | "reindexMessage">;
}

export type RotatedTable =
  | "reports"
  | "messages"
  | "attachments"
  | "alert_channels"
  | "intake_keys"
  | "outbox"
  | "held_mail"
  | "repositories"
  | "package_verifications";
export type RotationCounts = Record<RotatedTable, number>;

export interface RotateOptions {
  /** Rows per transaction; attachments use a tenth of it (at least 1), as they can be large. */
  batchSize?: number;
  clock?: () => Date;
  progress?: (table: RotatedTable, done: number, total: number) => void;
}

/** Rows whose envelope does not name the current key: the work left, which is what makes a run resumable. */
const notUnder = (column: AnyPgColumn, keyId: string) => not(sql`${column} like ${`v1.${keyId}.%`}`);

/** How many rows are not yet sealed under the cipher's current key. */
async function pendingRotation(db: Db, cipher: DataCipher): Promise<RotationCounts> {
  const count = async (
    table:
      | typeof reports
      | typeof messages
      | typeof attachments
      | typeof alertChannels
      | typeof intakeKeys
      | typeof outbox
      | typeof inboundEmails
      | typeof repositories
      | typeof packageVerifications,
    column: AnyPgColumn,
  ) => {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(table)
      .where(notUnder(column, cipher.keyId));
    return Number(row?.n ?? 0);
  };
  return {
    reports: await count(reports, reports.bodyEnc),
    messages: await count(messages, messages.bodyEnc),
    attachments: await count(attachments, attachments.dataEnc),
    alert_channels: await count(alertChannels, alertChannels.configEnc),
    intake_keys: await count(intakeKeys, intakeKeys.privateEnc),
    outbox: await count(outbox, outbox.secretsEnc), // null (no secrets, or sent) is never "not under"
    held_mail: await count(inboundEmails, inboundEmails.heldRaw), // null once accepted or dismissed
    repositories: await count(repositories, repositories.credentialsEnc), // null: no credentials stored
    package_verifications: await count(packageVerifications, packageVerifications.artifactEnc), // null once run
  };
}

/**
 * Re-seals every encrypted column under the cipher's current key, in batches, each batch in its own transaction,
 * and rewrites the keyed search index of each re-sealed report and message in the same transaction. The cipher
 * must also hold the previous key(s) to read old rows. Interrupted, it loses nothing: a batch commits whole or not
 * at all, and a new run picks up the rows that still name another key. Run on finished data, it changes nothing.
 */
async function rotateDataKey(deps: DataKeyDeps, cipher: DataCipher, options: RotateOptions = {}) {
  const { db, search } = deps;
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 200));
  const clock = options.clock ?? (() => new Date());
  const progress = options.progress ?? (() => undefined);
  const keyId = cipher.keyId;
  const pending = await pendingRotation(db, cipher);
  const total = Object.values(pending).reduce((a, b) => a + b, 0);
  const done: RotationCounts = {
    reports: 0,
    messages: 0,
    attachments: 0,
    alert_channels: 0,
    intake_keys: 0,
    outbox: 0,
    held_mail: 0,
    repositories: 0,
    package_verifications: 0,
  };
  if (total === 0) return { keyId, rotated: done, changed: false };

  await transaction(db, (tx) =>
    appendAuditEvent(
      tx,
      {
        actorType: "system",
        actorId: null,
        action: "data_key.rotation_started",
        reportId: null,
        data: { keyId, pending },
      },
      clock(),
    ),
  );

  /** Runs batches until one comes back short; `step` re-seals the rows of one batch and returns how many. */
  const drain = async (
    table: RotatedTable,
    size: number,
    step: (tx: Tx, size: number) => Promise<number>,
  ) => {
    for (;;) {
      const n = await transaction(db, (tx) => step(tx, size));
      done[table] += n;
      if (n > 0) progress(table, done[table], Math.max(pending[table], done[table]));
      if (n < size) return;
    }
  };

  await drain("reports", batchSize, async (tx, size) => {
    const rows = await tx
      .select({ id: reports.id, bodyEnc: reports.bodyEnc })
      .from(reports)
      .where(notUnder(reports.bodyEnc, keyId))
      .orderBy(asc(reports.seq))
      .limit(size);
    for (const row of rows) {
      await tx
        .update(reports)
        .set({ bodyEnc: cipher.encrypt(cipher.decrypt(row.bodyEnc)) })
        .where(eq(reports.id, row.id));
      await search.reindexReport(tx, cipher, row.id);
    }
    return rows.length;
  });

  await drain("messages", batchSize, async (tx, size) => {
    const rows = await tx
      .select({ id: messages.id, bodyEnc: messages.bodyEnc })
      .from(messages)
      .where(notUnder(messages.bodyEnc, keyId))
      .orderBy(asc(messages.seq))
      .limit(size);
    for (const row of rows) {
      const body = cipher.decryptText(row.bodyEnc);
      await tx
        .update(messages)
        .set({ bodyEnc: cipher.encrypt(body) })
        .where(eq(messages.id, row.id));
      await search.reindexMessage(tx, cipher, row.id, body);
    }
    return rows.length;
  });

  await drain("attachments", Math.max(1, Math.floor(batchSize / 10)), async (tx, size) => {
    const ids = await tx
      .select({ id: attachments.id })
      .from(attachments)
      .where(notUnder(attachments.dataEnc, keyId))
      .orderBy(asc(attachments.id))
      .limit(size);
    if (ids.length === 0) return 0;
    const rows = await tx
      .select({ id: attachments.id, dataEnc: attachments.dataEnc })
      .from(attachments)
      .where(
        inArray(
          attachments.id,
          ids.map((r) => r.id),
        ),
      );
    for (const row of rows)
      await tx
        .update(attachments)
        .set({ dataEnc: cipher.encrypt(cipher.decrypt(row.dataEnc)) })
        .where(eq(attachments.id, row.id));
    return ids.length;
  });

  /** Re-seals one sealed column of a table whose rows need nothing else rewritten, a batch at a time. */
  const resealColumn = (name: RotatedTable, table: PgTable, key: AnyPgColumn, column: AnyPgColumn) =>
    drain(name, batchSize, async (tx, size) => {
      const rows = (await tx
        .select({ key, sealed: column })
        .from(table)
        .where(and(isNotNull(column), notUnder(column, keyId)))
        .orderBy(asc(key))
        .limit(size)) as { key: string; sealed: string }[];
      for (const row of rows)
        await tx.execute(
          sql`update ${table} set ${sql.identifier(column.name)} = ${cipher.encrypt(cipher.decrypt(row.sealed))} where ${key} = ${row.key}`,
        );
      return rows.length;
    });

  await resealColumn("alert_channels", alertChannels, alertChannels.id, alertChannels.configEnc);
  await resealColumn("intake_keys", intakeKeys, intakeKeys.fingerprint, intakeKeys.privateEnc);
  // Mail not yet sent keeps its tracking links sealed; the delivery job must still read them after rotation.
  await resealColumn("outbox", outbox, outbox.id, outbox.secretsEnc);
  // A private upstream's token or deploy key: the fetch job must still read it after rotation.
  await resealColumn("repositories", repositories, repositories.id, repositories.credentialsEnc);
  // An uploaded release artifact waiting for its verification job.
  await resealColumn(
    "package_verifications",
    packageVerifications,
    packageVerifications.id,
    packageVerifications.artifactEnc,
  );

  // A reply held for a member's decision keeps the raw mail and its readable text sealed, in one row.
  await drain("held_mail", batchSize, async (tx, size) => {
    const rows = await tx
      .select({ id: inboundEmails.id, heldRaw: inboundEmails.heldRaw, details: inboundEmails.details })
      .from(inboundEmails)
      .where(and(isNotNull(inboundEmails.heldRaw), notUnder(inboundEmails.heldRaw, keyId)))
      .orderBy(asc(inboundEmails.id))
      .limit(size);
    for (const row of rows) {
      const details = { ...(row.details as Record<string, unknown>) };
      if (typeof details.heldText === "string")
        details.heldText = cipher.encrypt(cipher.decrypt(details.heldText));
      await tx
        .update(inboundEmails)
        .set({ heldRaw: cipher.encrypt(cipher.decrypt(row.heldRaw!)), details })
        .where(eq(inboundEmails.id, row.id));
    }
    return rows.length;
  });

  await transaction(db, (tx) =>
    appendAuditEvent(
      tx,
      {
        actorType: "system",
        actorId: null,
        action: "data_key.rotated",
        reportId: null,
        data: { keyId, rotated: done },
      },
      clock(),
    ),
  );
  return { keyId, rotated: done, changed: true };
}

/** The data key at rest: how much is sealed under another key, and re-sealing it all under the current one. */
export function createDataKeyService(deps: DataKeyDeps) {
  return {
    /** How many rows are not yet sealed under the cipher's current key. */
    pending: (cipher: DataCipher) => pendingRotation(deps.db, cipher),
    /** Re-seals everything under the cipher's current key; resumable, see rotateDataKey. */
    rotate: (cipher: DataCipher, options: RotateOptions = {}) => rotateDataKey(deps, cipher, options),
  };
}

export type DataKeyService = ReturnType<typeof createDataKeyService>;
