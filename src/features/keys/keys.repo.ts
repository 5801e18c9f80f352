import { eq, like } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { settings } from "../../db/schema.ts";

// OpenPGP keys live as JSON in the settings table until they get tables of their own:
//   pgp.member.<userId>      a team member's public key
//   pgp.intake               the intake key pair (current and retired), private parts under the data key
//   pgp.reporter.<reporterId> the public key a reporter gave with a report

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

const MEMBER_PREFIX = "pgp.member.";
const INTAKE_KEY = "pgp.intake";
const REPORTER_PREFIX = "pgp.reporter.";

async function read<T>(db: Db, key: string): Promise<T | null> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
  return (row?.value as T | undefined) ?? null;
}

async function write(db: Db, key: string, value: unknown, now: Date): Promise<void> {
  await db
    .insert(settings)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } });
}

export const readMemberKey = (db: Db, userId: string) =>
  read<StoredMemberKey>(db, `${MEMBER_PREFIX}${userId}`);

export const writeMemberKey = (db: Db, userId: string, value: StoredMemberKey, now: Date) =>
  write(db, `${MEMBER_PREFIX}${userId}`, value, now);

export async function deleteMemberKey(db: Db, userId: string): Promise<void> {
  await db.delete(settings).where(eq(settings.key, `${MEMBER_PREFIX}${userId}`));
}

/** Every member key, by user id. */
export async function listMemberKeys(db: Db): Promise<Map<string, StoredMemberKey>> {
  const rows = await db
    .select({ key: settings.key, value: settings.value })
    .from(settings)
    .where(like(settings.key, `${MEMBER_PREFIX}%`));
  return new Map(rows.map((r) => [r.key.slice(MEMBER_PREFIX.length), r.value as StoredMemberKey]));
}

export const readIntakeKeys = (db: Db) => read<StoredIntakeKeys>(db, INTAKE_KEY);

export const writeIntakeKeys = (db: Db, value: StoredIntakeKeys, now: Date) =>
  write(db, INTAKE_KEY, value, now);

/** Stores the first intake key unless another process got there first; true when this call stored it. */
export async function insertIntakeKeysIfAbsent(db: Db, value: StoredIntakeKeys, now: Date): Promise<boolean> {
  const rows = await db
    .insert(settings)
    .values({ key: INTAKE_KEY, value, updatedAt: now })
    .onConflictDoNothing({ target: settings.key })
    .returning({ key: settings.key });
  return rows.length > 0;
}

/** Locks the intake key row for a read-modify-write (rotation, import). */
export async function readIntakeKeysForUpdate(db: Db): Promise<StoredIntakeKeys | null> {
  const [row] = await db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, INTAKE_KEY))
    .for("update");
  return (row?.value as StoredIntakeKeys | undefined) ?? null;
}

export const readReporterKey = (db: Db, reporterId: string) =>
  read<StoredReporterKey>(db, `${REPORTER_PREFIX}${reporterId}`);

export const writeReporterKey = (db: Db, reporterId: string, value: StoredReporterKey, now: Date) =>
  write(db, `${REPORTER_PREFIX}${reporterId}`, value, now);
