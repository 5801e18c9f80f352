import { z } from "zod";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, transaction } from "../../core/db.ts";
import { AppError, badRequest } from "../../core/errors.ts";
import { randomToken, sha256Hex } from "../../crypto/tokens.ts";
import { type CreditChoice, creditLine } from "../../domain/credit.ts";
import { sealedPlaceholder } from "../../domain/sealed-secrets.ts";
import { type ReportState, STATE_LABELS } from "../../domain/workflow.ts";
import { isOpen } from "../../domain/workflow-states.ts";
import type { OutboxService } from "../outbox/outbox.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import {
  choiceOf,
  deleteExpiredMineTokens,
  findMineSession,
  insertMineToken,
  lockCredit,
  mineLinksSince,
  publicAdvisoriesOf,
  reportsByEmail,
  upsertCredit,
  useMineLink,
} from "./credits.repo.ts";
import { readCreditChoice } from "./credits.schema.ts";

export interface MyReportsDeps {
  db: Db;
  clock: Clock;
  publicUrl: string;
  outbox: Pick<OutboxService, "queue">;
  settings: Pick<SettingsService, "org">;
}

/** A link, and the session it opens, last this long from the moment the link was sent. */
export const MY_REPORTS_TTL_MS = 60 * 60 * 1000;
/** Links one address may be sent per hour; more requests are answered the same and send nothing. */
export const MY_REPORTS_LINKS_PER_ADDRESS = 3;

const emailSchema = z
  .string({ message: "Enter a valid email address." })
  .trim()
  .toLowerCase()
  .max(254, "Use at most 254 characters.")
  .pipe(z.email({ message: "Enter a valid email address." }));

const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;
const LINK_GONE =
  "This link has expired or was already used. Ask for a new one: links work once, for one hour.";

/**
 * "My reports": a researcher who gave an email asks for a one-time link and sees every report from that address,
 * with no account and no password. The answer to the request is the same whether or not the address has reports.
 */
export function createMyReportsService(deps: MyReportsDeps) {
  const { db, clock } = deps;

  async function session(token: string) {
    const found = TOKEN.test(token) ? await findMineSession(db, sha256Hex(token), clock()) : null;
    if (!found) throw new AppError("session_expired", 401, LINK_GONE);
    return found;
  }

  return {
    /**
     * Mails a one-time link to the address if it filed reports. Whether it did is never told: the caller shows the
     * same page, and the same work (one token row) is done either way; only the mail differs, and it is sent by a
     * job later. Past the per-address budget nothing is sent, again silently.
     */
    async requestLink(email: unknown): Promise<void> {
      const parsed = emailSchema.safeParse(email);
      if (!parsed.success) {
        const message = parsed.error.issues[0]?.message ?? "Enter a valid email address.";
        throw badRequest(message, { email: message });
      }
      const address = parsed.data;
      await transaction(db, async (tx) => {
        const now = clock();
        await deleteExpiredMineTokens(tx, now);
        if (
          (await mineLinksSince(tx, address, new Date(now.getTime() - MY_REPORTS_TTL_MS))) >=
          MY_REPORTS_LINKS_PER_ADDRESS
        )
          return;
        const token = randomToken(16);
        const expiresAt = new Date(now.getTime() + MY_REPORTS_TTL_MS);
        await insertMineToken(tx, {
          tokenHash: sha256Hex(token),
          kind: "link",
          email: address,
          expiresAt,
          createdAt: now,
        });
        const rows = await reportsByEmail(tx, address);
        if (rows.length === 0) return;
        const org = await deps.settings.org(tx);
        const body = [
          "Hello,",
          "",
          `Someone (we hope you) asked to see the security reports sent to ${org.name} from this address.`,
          "Open this link within one hour; it works once:",
          "",
          sealedPlaceholder(0),
          "",
          "If you did not ask for this, you can ignore this mail.",
          "",
          `${org.name} security team`,
        ];
        const url = `${deps.publicUrl.replace(/\/+$/, "")}/r/mine/open/${token}`;
        await deps.outbox.queue(
          tx,
          {
            reportId: null,
            to: address,
            subject: "Your security reports",
            body: body.join("\n"),
            secrets: [url],
          },
          now,
        );
      });
    },

    /** Uses the one-time link: returns a session token that ends when the link would have (at most one hour). */
    async openLink(token: string): Promise<{ session: string; expiresAt: Date }> {
      if (!TOKEN.test(token)) throw new AppError("link_gone", 404, LINK_GONE);
      return transaction(db, async (tx) => {
        const now = clock();
        const link = await useMineLink(tx, sha256Hex(token), now);
        if (!link) throw new AppError("link_gone", 404, LINK_GONE);
        const s = randomToken(16);
        await insertMineToken(tx, {
          tokenHash: sha256Hex(s),
          kind: "session",
          email: link.email,
          expiresAt: link.expiresAt,
          createdAt: now,
        });
        return { session: s, expiresAt: link.expiresAt };
      });
    },

    /** Every report from the session's address, with its state, open deadlines and credit. */
    async list(sessionToken: string) {
      const { email, expiresAt } = await session(sessionToken);
      const rows = await reportsByEmail(db, email);
      return {
        expiresAt,
        reports: rows.map((r) => {
          const choice = choiceOf(r.credit);
          return {
            reference: r.reference,
            title: r.title,
            state: STATE_LABELS[r.state as ReportState] ?? r.state,
            receivedAt: r.receivedAt,
            // A report that is over has no deadline left, whatever it skipped on the way.
            deadlines: isOpen(r.state as ReportState)
              ? {
                  acknowledgeBy: r.acknowledgedAt ? null : r.acknowledgeBy,
                  triageBy: r.triagedAt ? null : r.triageBy,
                  resolveBy: r.resolvedAt ? null : r.resolveBy,
                }
              : { acknowledgeBy: null, triageBy: null, resolveBy: null },
            credit: choice ? creditLine(choice) : "Anonymous",
            creditConfirmed: r.credit?.confirmedAt != null,
          };
        }),
      };
    },

    /**
     * Sets a credit once for every report of the address whose credit is neither confirmed nor public yet; a
     * confirmed or published credit stays exactly as it is. Answers how many reports took it.
     */
    async applyCreditDefaults(sessionToken: string, raw: unknown): Promise<{ applied: number }> {
      const { email } = await session(sessionToken);
      const { choice, problems } = readCreditChoice(raw);
      if (Object.keys(problems).length > 0)
        throw badRequest("Check your credit: some fields need attention.", problems);
      return transaction(db, async (tx) => {
        const now = clock();
        let applied = 0;
        for (const r of await reportsByEmail(tx, email)) {
          if (r.state === "disclosed" || r.state === "closed") continue;
          const row = await lockCredit(tx, r.id);
          if (row?.confirmedAt) continue;
          if ((await publicAdvisoriesOf(tx, r.id, now)).length > 0) continue;
          await upsertCredit(tx, {
            reportId: r.id,
            ...(choice as CreditChoice),
            confirmedAt: null,
            updatedAt: now,
          });
          await appendAuditEvent(
            tx,
            {
              actorType: "reporter",
              actorId: null,
              action: "credit.changed",
              reportId: r.id,
              data: {
                display: choice.display,
                line: creditLine(choice),
                hallOfFame: choice.hallOfFame,
                via: "my_reports",
              },
            },
            now,
          );
          applied++;
        }
        return { applied };
      });
    },
  };
}

export type MyReportsService = ReturnType<typeof createMyReportsService>;
