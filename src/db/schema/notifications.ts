// Pre-notification lists: the people told before a release goes public (distributions, large downstreams), each
// with the OpenPGP key their mail is encrypted to. `imminent` lists learn only that a release is coming and when;
// `full` lists also receive the approved advisory text.

import { pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./columns.ts";

export const notificationLists = pgTable("notification_lists", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  mode: text("mode", { enum: ["imminent", "full"] }).notNull(),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull(),
});

export const notificationListMembers = pgTable(
  "notification_list_members",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    listId: uuid("list_id")
      .notNull()
      .references(() => notificationLists.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Lower-cased, so one address is on a list once. */
    email: text("email").notNull(),
    organization: text("organization"),
    /** The member's public key, armored, as checked when it was added. */
    publicKey: text("public_key").notNull(),
    fingerprint: text("fingerprint").notNull(),
    keyExpiresAt: ts("key_expires_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("notification_list_members_list_email_idx").on(t.listId, t.email)],
);
