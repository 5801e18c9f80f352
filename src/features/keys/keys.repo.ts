import { desc, eq } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { intakeKeys, reporterKeys, userKeys } from "../../db/schema.ts";

// OpenPGP keys in their own tables (migration 0004 moved them out of settings):
//   user_keys       a team member's public key
//   intake_keys     the intake key pairs (one current, the retired ones), private parts under the data key
//   reporter_keys   the public key a reporter gave with a report

/** A team member's uploaded public key, as checked when it was uploaded. */
export interface StoredMemberKey {
  armored: string;
  fingerprint: string;
  userIds: string[];
  /** ISO instant, or null when the key never expires. */
  expiresAt: string | null;
  uploadedAt: string;
  uploadedBy: string;
}

/** One intake key pair; `privateEnc` is the armored, unprotected private key sealed by the data cipher. */
export interface StoredIntakeKey {
  fingerprint: string;
  publicArmored: string;
  privateEnc: string;
  userIds: string[];
  createdAt: string;
  source: "generated" | "imported";
  /** When it stopped being the current key; only set on retired keys. */
  retiredAt?: string;
}

export interface StoredIntakeKeys {
  current: StoredIntakeKey;
  previous: StoredIntakeKey[];
}

/** A reporter's public key, kept so replies can be encrypted to them. */
export interface StoredReporterKey {
  armored: string;
  fingerprint: string;
  userIds: string[];
  expiresAt: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const date = (v: string | null | undefined) => (v ? new Date(v) : null);

function toMemberKey(row: typeof userKeys.$inferSelect): StoredMemberKey {
  return {
    armored: row.armored,
    fingerprint: row.fingerprint,
    userIds: row.userIds,
    expiresAt: iso(row.expiresAt),
    uploadedAt: row.uploadedAt.toISOString(),
    uploadedBy: row.uploadedBy,
  };
}

export async function readMemberKey(db: Db, userId: string): Promise<StoredMemberKey | null> {
  const [row] = await db.select().from(userKeys).where(eq(userKeys.userId, userId));
  return row ? toMemberKey(row) : null;
}

export async function writeMemberKey(tx: Tx, userId: string, value: StoredMemberKey): Promise<void> {
  const values = {
    fingerprint: value.fingerprint,
    armored: value.armored,
    userIds: value.userIds,
    expiresAt: date(value.expiresAt),
    uploadedAt: new Date(value.uploadedAt),
    uploadedBy: value.uploadedBy,
  };
  await tx
    .insert(userKeys)
    .values({ userId, ...values })
    .onConflictDoUpdate({ target: userKeys.userId, set: values });
}

export async function deleteMemberKey(tx: Tx, userId: string): Promise<void> {
  await tx.delete(userKeys).where(eq(userKeys.userId, userId));
}

/** Every member key, by user id. */
export async function listMemberKeys(db: Db): Promise<Map<string, StoredMemberKey>> {
  const rows = await db.select().from(userKeys);
  return new Map(rows.map((r) => [r.userId, toMemberKey(r)]));
}

function toIntakeKey(row: typeof intakeKeys.$inferSelect): StoredIntakeKey {
  return {
    fingerprint: row.fingerprint,
    publicArmored: row.publicArmored,
    privateEnc: row.privateEnc,
    userIds: row.userIds,
    createdAt: row.createdAt.toISOString(),
    source: row.source,
    ...(row.retiredAt ? { retiredAt: row.retiredAt.toISOString() } : {}),
  };
}

function fromIntakeKey(key: StoredIntakeKey, retired: boolean) {
  return {
    fingerprint: key.fingerprint,
    publicArmored: key.publicArmored,
    privateEnc: key.privateEnc,
    userIds: key.userIds,
    source: key.source,
    createdAt: new Date(key.createdAt),
    retiredAt: retired ? new Date(key.retiredAt ?? key.createdAt) : null,
  };
}

async function readIntake(db: Db, forUpdate: boolean): Promise<StoredIntakeKeys | null> {
  const query = db.select().from(intakeKeys).orderBy(desc(intakeKeys.createdAt));
  const rows = forUpdate ? await query.for("update") : await query;
  const current = rows.find((r) => r.retiredAt === null);
  if (!current) return null;
  // Most recently retired first, as the keys page lists them.
  const previous = rows
    .filter((r) => r.retiredAt !== null)
    .sort((a, b) => b.retiredAt!.getTime() - a.retiredAt!.getTime());
  return { current: toIntakeKey(current), previous: previous.map(toIntakeKey) };
}

export const readIntakeKeys = (db: Db) => readIntake(db, false);

/** Locks the intake key rows for a read-modify-write (rotation, import). */
export const readIntakeKeysForUpdate = (db: Db) => readIntake(db, true);

/** Makes the stored intake keys `value`: retired keys are written first, so the one-current index never sees two. */
export async function writeIntakeKeys(tx: Tx, value: StoredIntakeKeys): Promise<void> {
  for (const key of value.previous) {
    const row = fromIntakeKey(key, true);
    await tx.insert(intakeKeys).values(row).onConflictDoUpdate({ target: intakeKeys.fingerprint, set: row });
  }
  const current = fromIntakeKey(value.current, false);
  await tx
    .insert(intakeKeys)
    .values(current)
    .onConflictDoUpdate({ target: intakeKeys.fingerprint, set: current });
}

/** Stores the first intake key unless another process got there first; true when this call stored it. */
export async function insertIntakeKeysIfAbsent(tx: Tx, value: StoredIntakeKeys): Promise<boolean> {
  // The partial unique index on the current key turns a concurrent second insert into a no-op.
  const rows = await tx
    .insert(intakeKeys)
    .values(fromIntakeKey(value.current, false))
    .onConflictDoNothing()
    .returning({ fingerprint: intakeKeys.fingerprint });
  return rows.length > 0;
}

export async function readReporterKey(db: Db, reporterId: string): Promise<StoredReporterKey | null> {
  const [row] = await db.select().from(reporterKeys).where(eq(reporterKeys.reporterId, reporterId));
  return row
    ? {
        armored: row.armored,
        fingerprint: row.fingerprint,
        userIds: row.userIds,
        expiresAt: iso(row.expiresAt),
      }
    : null;
}

export async function writeReporterKey(tx: Tx, reporterId: string, value: StoredReporterKey): Promise<void> {
  const values = {
    fingerprint: value.fingerprint,
    armored: value.armored,
    userIds: value.userIds,
    expiresAt: date(value.expiresAt),
  };
  await tx
    .insert(reporterKeys)
    .values({ reporterId, ...values })
    .onConflictDoUpdate({ target: reporterKeys.reporterId, set: values });
}
