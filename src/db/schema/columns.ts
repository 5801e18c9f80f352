// Column helpers shared by the table definitions (not tables themselves, so the schema barrel does not export them).

import { customType, timestamp } from "drizzle-orm/pg-core";

/** PostgreSQL's tsvector (PGlite has it too); the search index holds keyed hashes of words, not the words. */
export const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/** A created_at column set by the database, so every row records when it was written. */
export const createdAt = () =>
  timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
/** A timestamptz column read as a Date, the one form every instant in the schema takes. */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
