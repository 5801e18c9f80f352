// What admins configure: typed settings, the scope of assets, and reply templates.

import { sql } from "drizzle-orm";
import { boolean, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./columns.ts";
import { repositories } from "./repositories.ts";

/** Typed settings live as JSON under a key; their schemas are in features/settings. */
export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: jsonb("value").notNull(),
  updatedAt: createdAt(),
});

/** The scope: what researchers may test (inScope) and what they may not. */
export const assets = pgTable("assets", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  identifier: text("identifier").notNull().default(""),
  kind: text("kind", { enum: ["web", "api", "mobile", "source", "package", "infrastructure", "other"] })
    .notNull()
    .default("web"),
  inScope: boolean("in_scope").notNull(),
  description: text("description").notNull().default(""),
  tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
  active: boolean("active").notNull().default(true),
  /** The code repository the asset is built from, so a report's repository is known from its asset. */
  repositoryId: uuid("repository_id").references(() => repositories.id, { onDelete: "set null" }),
  createdAt: createdAt(),
});

/** Admin-managed reply templates with {{variables}}; purpose says where the picker offers them. */
export const cannedResponses = pgTable("canned_responses", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  /** acknowledgement | needs_info | rejection:<reason> | final_feedback | general */
  purpose: text("purpose").notNull(),
  body: text("body").notNull(),
  active: boolean("active").notNull().default(true),
  createdAt: createdAt(),
  updatedAt: ts("updated_at").notNull(),
});
