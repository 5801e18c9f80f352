import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { CurrentUser } from "../../core/actors.ts";
import { transaction } from "../../core/db.ts";
import { badRequest, notFound } from "../../core/errors.ts";
import { bountyCsv, maskedHint, plainAmount } from "../../domain/bounty-export.ts";
import { checkPayout, PAYOUT_METHODS, type PayoutMethod } from "../../domain/payout.ts";
import { awardsOfYear, findPayout, findReport, savePayout } from "./bounties.repo.ts";
import type { BountiesDeps } from "./bounty-common.ts";
import { objectOf, requireAdmin } from "./bounty-common.ts";

/**
 * Payout details and the yearly export. The address is sealed under the data key as soon as it is checked; it is
 * read back only for an admin's "mark paid" form, and never goes into the CSV, mail, the audit log or logs.
 */
export function createPayouts(deps: BountiesDeps, reportIdForToken: (token: string) => Promise<string>) {
  const { db, clock, cipher } = deps;
  return {
    /** The payout address, for an admin's "mark paid" form only; never in exports, mail or logs. */
    async payoutForPayment(actor: CurrentUser, reportId: string) {
      requireAdmin(actor, "see payout details");
      const payout = await findPayout(db, reportId);
      if (!payout) return null;
      const sealed = cipher.decryptJson<{ method: PayoutMethod; address: string }>(payout.addressEnc);
      return { method: payout.method, address: sealed.address, hint: payout.hint };
    },

    /** The reporter's payout details: checked with the real checksum, stored sealed, shown back only masked. */
    async setPayoutAsReporter(token: string, raw: unknown) {
      const reportId = await reportIdForToken(token);
      const body = objectOf(raw);
      if (typeof body.method !== "string" || !(PAYOUT_METHODS as readonly string[]).includes(body.method)) {
        const message = `Choose a payout method: ${PAYOUT_METHODS.join(", ")}.`;
        throw badRequest(message, { method: message });
      }
      const check = checkPayout(body.method, body.address);
      if (!check.ok) throw badRequest(check.problem, { address: check.problem });
      const method = body.method as PayoutMethod;
      return transaction(db, async (tx) => {
        const report = await findReport(tx, reportId, { forUpdate: true });
        if (!report) throw notFound("Report");
        const now = clock();
        const hint = maskedHint(check.normalized);
        await savePayout(tx, {
          reportId,
          method,
          addressEnc: cipher.encryptJson({ method, address: check.normalized }),
          hint,
          updatedAt: now,
        });
        // The audit log records that details were given and their kind, never the address.
        await appendAuditEvent(
          tx,
          {
            actorType: "reporter",
            actorId: report.reporterId,
            action: "bounty.payout_details",
            reportId,
            data: { method },
          },
          now,
        );
        return { method, hint };
      });
    },

    /** The yearly CSV: reference, date, amount, currency, state, payout method; never an address. */
    async exportYear(year: number): Promise<string> {
      if (!Number.isInteger(year) || year < 2000 || year > 9999)
        throw badRequest("Give the year as YYYY.", { year: "Give the year as YYYY." });
      const rows = await awardsOfYear(db, year);
      return bountyCsv(
        rows.map((r) => ({
          reference: r.reference,
          date: r.award.paidOn ?? r.award.createdAt.toISOString().slice(0, 10),
          amount: plainAmount(r.award.paidAmount ?? r.award.amount),
          currency: r.award.currency,
          state: r.award.state,
          payoutMethod: r.award.paidMethod ?? r.payoutMethod ?? null,
        })),
      );
    },
  };
}
