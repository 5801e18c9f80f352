// The team's code repositories: where each upstream is, how to reach a private one, and its bare mirror's state.

import { pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, ts } from "./columns.ts";

/**
 * A registered repository. Its bare mirror lives at `<EMBARGO_GIT_DIR>/mirrors/<id>.git`; the fetch job records
 * when it last fetched and the last error. Credentials (an HTTPS token or an SSH deploy key) are sealed under the
 * data key in credentials_enc and never shown back; credential_kind only says which kind is stored.
 */
export const repositories = pgTable("repositories", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  upstreamUrl: text("upstream_url").notNull(),
  defaultBranch: text("default_branch").notNull().default("main"),
  credentialKind: text("credential_kind", { enum: ["https_token", "ssh_key"] }),
  credentialsEnc: text("credentials_enc"),
  lastFetchedAt: ts("last_fetched_at"),
  /** The last fetch's error, as git said it; null after a fetch that worked. */
  lastFetchError: text("last_fetch_error"),
  lastFetchAttemptAt: ts("last_fetch_attempt_at"),
  /** An armored OpenPGP public key that signs release tags, besides the team members' keys; optional. */
  releaseSigningKey: text("release_signing_key"),
  createdAt: createdAt(),
});
