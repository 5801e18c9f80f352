// OpenPGP keys: team members' keys, the security address's intake keys, and reporters' keys.

import { sql } from "drizzle-orm";
import { pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { ts } from "./columns.ts";
import { reporters } from "./reports.ts";
import { users } from "./team.ts";

/** A team member's OpenPGP public key, as checked when it was uploaded; mail to them is encrypted to it. */
export const userKeys = pgTable("user_keys", {
  userId: uuid("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  fingerprint: text("fingerprint").notNull(),
  armored: text("armored").notNull(),
  userIds: text("user_ids").array().notNull().default(sql`'{}'::text[]`),
  expiresAt: ts("expires_at"),
  uploadedAt: ts("uploaded_at").notNull(),
  /** Who uploaded it: the member, or an admin for them. */
  uploadedBy: text("uploaded_by").notNull(),
});

/**
 * The intake key pairs of the security address: exactly one current (retired_at null), and the retired ones,
 * kept because they still decrypt what was sent to them. private_enc is sealed by the data key.
 */
export const intakeKeys = pgTable(
  "intake_keys",
  {
    fingerprint: text("fingerprint").primaryKey(),
    publicArmored: text("public_armored").notNull(),
    privateEnc: text("private_enc").notNull(),
    userIds: text("user_ids").array().notNull().default(sql`'{}'::text[]`),
    source: text("source", { enum: ["generated", "imported"] }).notNull(),
    createdAt: ts("created_at").notNull(),
    retiredAt: ts("retired_at"),
  },
  (t) => [uniqueIndex("intake_keys_one_current").on(sql`(true)`).where(sql`${t.retiredAt} is null`)],
);

/** The public key a reporter gave (form, JSON or mail), so mail to them goes out encrypted. */
export const reporterKeys = pgTable("reporter_keys", {
  reporterId: uuid("reporter_id")
    .primaryKey()
    .references(() => reporters.id, { onDelete: "cascade" }),
  fingerprint: text("fingerprint").notNull(),
  armored: text("armored").notNull(),
  userIds: text("user_ids").array().notNull().default(sql`'{}'::text[]`),
  expiresAt: ts("expires_at"),
});
