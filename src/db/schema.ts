// The Drizzle schema: every table, split by area in src/db/schema/. This barrel is what drizzle.config.ts,
// src/core/db.ts and the repositories import, so they see one module with every table.

export * from "./schema/advisories.ts";
export * from "./schema/alerts.ts";
export * from "./schema/audit.ts";
export * from "./schema/bounties.ts";
export * from "./schema/consultations.ts";
export * from "./schema/credit-extras.ts";
export * from "./schema/credits.ts";
export * from "./schema/disclosure.ts";
export * from "./schema/form-states.ts";
export * from "./schema/keys.ts";
export * from "./schema/mail.ts";
export * from "./schema/notifications.ts";
export * from "./schema/rate-limits.ts";
export * from "./schema/release-waivers.ts";
export * from "./schema/releases.ts";
export * from "./schema/reports.ts";
export * from "./schema/repositories.ts";
export * from "./schema/settings.ts";
export * from "./schema/team.ts";
export * from "./schema/verifications.ts";
