import { eq, sql } from "drizzle-orm";
import type * as openpgp from "openpgp";
import { z } from "zod";
import type { Db } from "../../core/db.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import { loadOpenpgp } from "../../crypto/openpgp.loader.ts";
import { messages, reporters, reports, users } from "../../db/schema.ts";
import { innerTextEntity } from "../../mail/pgp-mime.ts";
import type { KeysService } from "../keys/keys.service.ts";
import type { OutboxRow } from "./outbox.repo.ts";

/** Who a queued mail is for, when the caller knows; it picks the OpenPGP key the mail is encrypted to. */
export const mailRecipient = z.object({
  kind: z.enum(["reporter", "member"]),
  id: z.string().min(1).max(100),
});
export type MailRecipient = z.infer<typeof mailRecipient>;

/** Encryption was required (the recipient has a key) but failed; the mail must then not be sent at all. */
export class MailEncryptionError extends Error {}

/** The key lookups sealing needs; the keys service provides them. */
type RecipientKeys = Pick<KeysService, "memberKey" | "reporterKey">;

/**
 * A recipient's public key given with the mail itself, for people who are neither reporters nor members (a
 * pre-notification list's member): the mail goes only encrypted to it, never in plaintext.
 */
export const explicitRecipientKey = z.object({
  armored: z.string().min(1).max(200_000),
  fingerprint: z.string().min(1).max(100),
  expiresAt: z.string().max(40).nullable(),
});
type RecipientKey = z.infer<typeof explicitRecipientKey>;

/** The recipient's key: the named recipient's, else the report's reporter at this address, else a member's. */
async function recipientKey(
  db: Db,
  keys: RecipientKeys,
  mail: OutboxRow,
  recipient?: MailRecipient,
): Promise<RecipientKey | null> {
  if (recipient?.kind === "reporter") return keys.reporterKey(recipient.id, db);
  if (recipient?.kind === "member") return keys.memberKey(recipient.id, db);
  if (mail.reportId) {
    const [owner] = await db
      .select({ id: reporters.id, email: reporters.email })
      .from(reports)
      .innerJoin(reporters, eq(reporters.id, reports.reporterId))
      .where(eq(reports.id, mail.reportId));
    if (owner?.email && owner.email.toLowerCase() === mail.toAddress.toLowerCase())
      return keys.reporterKey(owner.id, db);
  }
  const [member] = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = lower(${mail.toAddress})`);
  return member ? keys.memberKey(member.id, db) : null;
}

/** The reference of the mail's report, for the subject and the per-report Reply-To. */
export async function referenceOf(db: Db, mail: OutboxRow): Promise<string | null> {
  if (!mail.reportId) return null;
  const [row] = await db
    .select({ reference: reports.reference })
    .from(reports)
    .where(eq(reports.id, mail.reportId));
  return row?.reference ?? null;
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Encrypts the mail body to the recipient's key and signs it with the current intake key, or returns null when
 * the recipient has no key (the stored body is then sent as it is: it only ever holds neutral text). Throws
 * MailEncryptionError when the recipient has a key that cannot be used; the caller must not send anything then.
 */
export async function sealMail(deps: {
  db: Db;
  keys: RecipientKeys;
  cipher: DataCipher;
  mail: OutboxRow;
  recipient?: MailRecipient;
  /** The key to encrypt to, given with the mail; it takes the place of any lookup. */
  recipientKey?: RecipientKey;
  now: Date;
  intakePrivateKey: () => Promise<string>;
  /** A reporter-visible message whose text the encrypted mail carries below the notice. */
  messageRowId?: string;
}): Promise<{ armored: string; fingerprint: string } | null> {
  const { mail, now } = deps;
  const key = deps.recipientKey ?? (await recipientKey(deps.db, deps.keys, mail, deps.recipient));
  if (!key) return null;
  const fail = (why: string) =>
    new MailEncryptionError(
      `Not sent: the recipient has the OpenPGP key ${key.fingerprint}, but ${why}. ` +
        "Mail to a recipient with a key is never sent unencrypted.",
    );
  if (key.expiresAt && Date.parse(key.expiresAt) <= now.getTime())
    throw fail(`it expired on ${key.expiresAt.slice(0, 10)}`);
  const pgp = await loadOpenpgp();
  let encryptionKey: openpgp.Key;
  try {
    encryptionKey = await pgp.readKey({ armoredKey: key.armored });
  } catch (error) {
    throw fail(`it cannot be read (${reason(error)})`);
  }
  let signingKey: openpgp.PrivateKey;
  try {
    signingKey = await pgp.readPrivateKey({ armoredKey: await deps.intakePrivateKey() });
  } catch (error) {
    throw new MailEncryptionError(`Not sent: the intake key for signing is unavailable (${reason(error)}).`);
  }
  const text = await withMessageText(deps.db, deps.cipher, mail, deps.messageRowId);
  try {
    const armored = await pgp.encrypt({
      message: await pgp.createMessage({ binary: Buffer.from(innerTextEntity(text), "utf8") }),
      encryptionKeys: encryptionKey,
      signingKeys: signingKey,
      date: now,
      format: "armored",
    });
    return { armored, fingerprint: key.fingerprint };
  } catch (error) {
    throw fail(`encrypting to it failed (${reason(error)})`);
  }
}

/**
 * The notice plus the message itself, read and decrypted only now: the text stays encrypted at rest in messages
 * and never sits in the outbox or the job queue. Only reporter-visible messages of the mail's report are added.
 */
async function withMessageText(
  db: Db,
  cipher: DataCipher,
  mail: OutboxRow,
  messageRowId: string | undefined,
): Promise<string> {
  const notice = mail.body;
  if (!messageRowId) return notice;
  const [row] = await db.select().from(messages).where(eq(messages.id, messageRowId));
  if (!row) return notice;
  if (row.visibility !== "reporter" || row.reportId !== mail.reportId) return notice;
  const body = cipher.decryptText(row.bodyEnc);
  return `${notice}\n\n----- Message from the security team -----\n\n${body}\n`;
}
