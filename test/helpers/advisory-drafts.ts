// Advisory test data: a valid advisory body, and a confirmed report with a team CVSS score to cover.

import type { Actor } from "./actors.ts";
import { reportFields } from "./actors.ts";
import type { TestDb } from "./db.ts";

const OWASP = "SL:9/M:9/O:9/S:9/ED:9/EE:9/A:9/ID:9/LC:9/LI:9/LAV:9/LAC:9/FD:9/RD:9/NC:7/PV:9";
/** The team's CVSS vector on the reports these helpers confirm. */
export const CVSS = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:H/A:N";

/** A report brought to Confirmed by `manager` (its Response Manager), scored with OWASP and CVSS. */
export async function confirmedReportWithCvss(t: TestDb, manager: Actor) {
  const { report, token } = await t.services.reports.submit(reportFields(), [], "web");
  for (const body of [
    { action: "acknowledge" },
    { action: "assign", assignee: manager.email },
    { action: "start_triage" },
    { action: "set_severity", owasp: OWASP },
    { action: "set_severity", cvss: CVSS },
    { action: "confirm" },
  ])
    await t.services.reports.act(manager, report.reference, body);
  return { id: report.id, ref: report.reference, token };
}

/** A valid advisory body for the reports given. */
export function advisoryBody(reports: string[], overrides: Record<string, unknown> = {}) {
  return {
    reports,
    title: "Stored XSS in the comment preview",
    summary: "The comment preview renders HTML from comments without escaping it.",
    details: "An attacker posts a comment whose preview runs script in a reader's session.",
    cwe: ["CWE-79"],
    affected: [
      {
        product: "Acme Forum",
        package: { ecosystem: "npm", name: "acme-forum" },
        ranges: [{ introduced: "1.0.0", fixed: "1.4.2" }],
      },
    ],
    solution: "Upgrade to 1.4.2.",
    references: [{ type: "WEB", url: "https://acme.example/security" }],
    teamCredits: [{ name: "Acme PSIRT", role: "coordinator", url: "https://acme.example" }],
    noCveReason: "Not assigned yet.",
    ...overrides,
  };
}
