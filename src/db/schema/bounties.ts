// Bounties (issue 14 §4): the policy admins set, each award's path from proposal to payment, and the reporter's
// payout details, sealed under the data key and never shown except on the "mark paid" form.

import { bigint, index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import type { AwardState, BountyRange, BountySeverity } from "../../domain/bounty.ts";
import type { PayoutMethod } from "../../domain/payout.ts";
import { createdAt, ts } from "./columns.ts";
import { reports } from "./reports.ts";
import { users } from "./team.ts";

/** The one bounty policy (id "default"), with the block-explorer URL template per chain. */
export const bountyPolicies = pgTable("bounty_policies", {
  id: text("id").primaryKey(),
  currency: text("currency").notNull(),
  ranges: jsonb("ranges").$type<Partial<Record<BountySeverity, BountyRange>>>().notNull(),
  noBountyScope: text("no_bounty_scope"),
  /** e.g. { ethereum: "https://etherscan.io/tx/{tx}" }. */
  explorers: jsonb("explorers").$type<Partial<Record<PayoutMethod, string>>>().notNull().default({}),
  updatedBy: uuid("updated_by").references(() => users.id),
  updatedAt: ts("updated_at").notNull(),
});

export const bountyAwards = pgTable(
  "bounty_awards",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    reportId: uuid("report_id")
      .notNull()
      .references(() => reports.id, { onDelete: "cascade" }),
    /** Minor units (cents). */
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    state: text("state").$type<AwardState>().notNull(),
    /** The message to the reporter that goes with the offer. */
    message: text("message").notNull(),
    /** Why the amount is outside the policy, where it is. */
    reason: text("reason"),
    proposedBy: uuid("proposed_by")
      .notNull()
      .references(() => users.id),
    approvedBy: uuid("approved_by").references(() => users.id),
    charity: text("charity"),
    cancelReason: text("cancel_reason"),
    /** The payment as recorded: its date, amount and transaction id or reference. */
    paidOn: text("paid_on"),
    paidAmount: bigint("paid_amount", { mode: "number" }),
    paymentReference: text("payment_reference"),
    /** The payout method the payment went to (never the address). */
    paidMethod: text("paid_method").$type<PayoutMethod>(),
    offeredAt: ts("offered_at"),
    answeredAt: ts("answered_at"),
    paidAt: ts("paid_at"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull(),
  },
  (t) => [index("bounty_awards_report_idx").on(t.reportId), index("bounty_awards_paid_idx").on(t.paidAt)],
);

/** Where the reporter wants to be paid: the address sealed, only a masked hint in the clear. */
export const payoutDetails = pgTable("payout_details", {
  reportId: uuid("report_id")
    .primaryKey()
    .references(() => reports.id, { onDelete: "cascade" }),
  method: text("method").$type<PayoutMethod>().notNull(),
  addressEnc: text("address_enc").notNull(),
  /** e.g. "…3f9a": the last 4 characters, for the reporter's own page. */
  hint: text("hint").notNull(),
  updatedAt: ts("updated_at").notNull(),
});
