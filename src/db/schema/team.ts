// Team members and how they sign in: accounts, sessions, API tokens and one-time setup links.

import { sql } from "drizzle-orm";
import { boolean, index, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./columns.ts";

/** Team members. Reporters never get accounts; they hold capability links instead. */
export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    role: text("role", { enum: ["admin", "responder", "viewer"] }).notNull(),
    active: boolean("active").notNull().default(true),
    expertise: text("expertise").array().notNull().default(sql`'{}'::text[]`),
    /** Away until this instant (exclusive); null means available. */
    awayUntil: ts("away_until"),
    availabilityNote: text("availability_note").notNull().default(""),
    lastAssignedAt: ts("last_assigned_at"),
    /** IANA zone in which workingHours and awayPeriods are read. */
    timeZone: text("time_zone").notNull().default("UTC"),
    /** Weekly hours {days: 0..6[], start: "HH:MM", end: "HH:MM"}, or null for "any time". */
    workingHours: jsonb("working_hours").$type<{ days: number[]; start: string; end: string } | null>(),
    /** Whole local days away, both ends inclusive. */
    awayPeriods: jsonb("away_periods")
      .$type<{ start: string; end: string }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    /** The member's own alert choices: {email?: boolean, events?: string[]}; empty means the defaults. */
    alertPrefs: jsonb("alert_prefs")
      .$type<{ email?: boolean; events?: string[] }>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_key").on(sql`lower(${t.email})`)],
);

export const sessions = pgTable(
  "sessions",
  {
    /** SHA-256 of the cookie value; the cookie itself is never stored. */
    idHash: text("id_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    label: text("label").notNull().default(""),
    createdAt: createdAt(),
    /** Written at most once a minute, so API calls are not each a write. */
    lastUsedAt: ts("last_used_at"),
    /** Chosen at creation (90 days by default); tokens that existed before expiry was added get 90 days from then. */
    expiresAt: ts("expires_at").notNull().default(sql`now() + interval '90 days'`),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);

/** One-time links: the first-admin setup link and reporters' link recovery. */
export const oneTimeTokens = pgTable("one_time_tokens", {
  tokenHash: text("token_hash").primaryKey(),
  purpose: text("purpose", { enum: ["setup"] }).notNull(),
  createdAt: createdAt(),
  expiresAt: ts("expires_at").notNull(),
  usedAt: ts("used_at"),
});

/**
 * Invitations to join the team: an admin names the person and role, the person sets their own password through
 * a one-time link. Only the link's SHA-256 is stored; re-sending replaces it, so the old link stops working.
 */
export const teamInvites = pgTable(
  "team_invites",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ["admin", "responder", "viewer"] }).notNull(),
    expertise: text("expertise").array().notNull().default(sql`'{}'::text[]`),
    tokenHash: text("token_hash").notNull().unique(),
    invitedBy: uuid("invited_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    /** When the current link was issued (creation or the latest re-send). */
    sentAt: ts("sent_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
    acceptedAt: ts("accepted_at"),
    revokedAt: ts("revoked_at"),
    /** The member the invite became. */
    userId: uuid("user_id").references(() => users.id, { onDelete: "set null" }),
  },
  // At most one open invite per address: a second would be a second way in for the same person.
  (t) => [
    uniqueIndex("team_invites_open_email_key")
      .on(sql`lower(${t.email})`)
      .where(sql`${t.acceptedAt} is null and ${t.revokedAt} is null`),
  ],
);
