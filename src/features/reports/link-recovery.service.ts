import { appendAuditEvent } from "../../audit/audit-log.ts";
import { transaction } from "../../core/db.ts";
import { badRequest } from "../../core/errors.ts";
import { randomToken, sha256Hex } from "../../crypto/tokens.ts";
import { sealedPlaceholder } from "../../domain/sealed-secrets.ts";
import type { ReportsContext } from "./report-context.service.ts";
import { insertTrackingToken, listReportsByReporterEmail } from "./reports.repo.ts";
import { reporterEmailSchema } from "./reports.schema.ts";

/** Lost tracking links, sent again to the address that filed the reports. */
export function createLinkRecovery(ctx: ReportsContext) {
  const { db, clock, features } = ctx;

  /**
   * Lost links: every report filed under the address gets a fresh tracking link, all in one mail to that address.
   * The caller answers the same whether anything matched or not, so the form cannot tell who reported to us;
   * only the mailbox owner learns the links. Old links keep working: losing one is not the same as leaking it.
   */
  async function recoverLinks(email: string): Promise<void> {
    const parsed = reporterEmailSchema.safeParse(email);
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? "Enter a valid email address.";
      throw badRequest(message, { email: message });
    }
    const address = parsed.data;
    await transaction(db, async (tx) => {
      const rows = await listReportsByReporterEmail(tx, address);
      if (rows.length === 0) return;
      const now = clock();
      // The mail lists placeholders; the links themselves go to the outbox sealed, and into the mail at sending.
      const links: string[] = [];
      const secrets: string[] = [];
      for (const row of rows) {
        const token = randomToken(16);
        await insertTrackingToken(tx, row.id, sha256Hex(token), now);
        links.push(`${row.reference}: ${sealedPlaceholder(secrets.length)}`);
        secrets.push(ctx.trackingUrl(token));
        await appendAuditEvent(
          tx,
          {
            actorType: "reporter",
            actorId: row.reporterId,
            action: "report.links_recovered",
            reportId: row.id,
            data: {},
          },
          now,
        );
      }
      const org = await features.settings.org(tx);
      const body = [
        "Hello,",
        "",
        `Someone (we hope you) asked for new links to the security reports sent to ${org.name} from this address.`,
        "Here they are. Keep them secret: anyone with a link can read and answer that report.",
        "",
        ...links,
        "",
        "Your earlier links still work. If you did not ask for this, you can ignore this mail.",
        "",
        `${org.name} security team`,
      ];
      await features.outbox.queue(
        tx,
        {
          reportId: rows.length === 1 ? rows[0]!.id : null,
          to: address,
          subject: "Your security report links",
          body: body.join("\n"),
          secrets,
        },
        now,
      );
    });
  }

  return { recoverLinks };
}
