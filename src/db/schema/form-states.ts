// Short-lived, one-time form state for post/redirect/get: what a refused form post showed, kept until the page
// the browser is redirected to reads it once.

import { index, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./columns.ts";

/**
 * A refused form's typed values and errors, sealed under the data key (`sealed`), readable once and only by the
 * browser that posted it: `id_hash` is the SHA-256 of the random id in the redirect URL, `binding_hash` the
 * SHA-256 of the session or form cookie, `path_hash` of the page's path. Rows older than `expires_at` are deleted on the next write or read.
 */
export const formStates = pgTable(
  "form_states",
  {
    idHash: text("id_hash").primaryKey(),
    bindingHash: text("binding_hash").notNull(),
    /**
     * SHA-256 of the path of the page that may show it, so a state made for one page is never shown on another;
     * hashed because a path may hold a capability token (/r/<token>).
     */
    pathHash: text("path_hash").notNull(),
    sealed: text("sealed").notNull(),
    expiresAt: ts("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("form_states_expires_idx").on(t.expiresAt)],
);
