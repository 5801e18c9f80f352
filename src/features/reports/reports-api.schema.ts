import { z } from "zod";
import type { SlaItemKey, SlaStatus } from "../../domain/sla-deadlines.ts";
import { REJECTION_REASONS, REPORT_ACTIONS, REPORT_STATES, SEVERITIES } from "../../domain/workflow.ts";
import { SLA_FILTERS } from "./inbox.repo.ts";
import { INBOX_SORTS } from "./reports.schema.ts";

// The JSON API's parameters and answers. Requests are validated with these schemas and the OpenAPI document is
// generated from them, so the two cannot disagree; a test checks real answers against the document.

/** The largest page the list gives; the default is DEFAULT_PER_PAGE. */
export const MAX_PER_PAGE = 200;
export const DEFAULT_PER_PAGE = 25;

const oneOf = <const T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.enum(values, { message: `${name} must be one of ${values.join(", ")}.` });

/** Decimal digits only: "0x10", "1e3" and " 5" are refused, not read as 16, 1000 and 5. */
const wholeNumber = (name: string, min: number, max: number) => {
  const message = `${name} must be a whole number from ${min} to ${max.toLocaleString("en")}.`;
  return z.preprocess(
    (v) => (typeof v === "string" && /^[0-9]{1,9}$/.test(v) ? Number(v) : v),
    z.int({ message }).min(min, message).max(max, message),
  );
};

/**
 * The list's query string. Every parameter is checked and a wrong one is refused with 400 naming it, an
 * unknown one included (a mistyped filter would otherwise quietly list everything).
 */
export const reportListQuerySchema = z.strictObject({
  state: oneOf("state", ["open", "all", ...REPORT_STATES])
    .default("open")
    .describe('A state; "open" (the default): every state but closed and rejected; "all": every state.'),
  severity: oneOf("severity", ["none", ...SEVERITIES])
    .optional()
    .describe('A severity, or "none" for reports not scored yet.'),
  assignee: z
    .string()
    .min(1, "assignee must be a team member's email or id, or none.")
    .max(254, "assignee must be a team member's email or id, or none.")
    .optional()
    .describe(
      'A team member\'s email or id: their reports. "none": reports nobody is assigned to. An unknown member is refused.',
    ),
  q: z
    .string()
    .max(200, "q can have at most 200 characters.")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters separate words, as spaces do.
    .transform((v) => v.replace(/[\u0000-\u001f\u007f]+/g, " ").trim())
    .optional()
    .describe(
      "Search words, matched in the title, the report and its messages (internal notes too, for roles that read them).",
    ),
  spam: oneOf("spam", ["0", "1"])
    .default("0")
    .describe('"1" includes reports rejected as spam, which lists leave out unless state=rejected.'),
  sla: oneOf("sla", SLA_FILTERS)
    .optional()
    .describe(
      '"overdue": a deadline was missed. "team": waiting for the team (new, or the reporter wrote last). "waiting": waiting for the reporter\'s answer.',
    ),
  sort: oneOf("sort", INBOX_SORTS)
    .default("-received")
    .describe('The order: a column, descending with a leading "-".'),
  page: wholeNumber("page", 1, 100_000).default(1).describe("The page, from 1."),
  perPage: wholeNumber("perPage", 1, MAX_PER_PAGE).default(DEFAULT_PER_PAGE).describe("Reports per page."),
});

/** A report's id or its reference; an unknown one is 404, whatever its shape. */
export const reportKeyParams = z.object({
  id: z.string().describe("The report's id (a UUID) or its reference (e.g. EMB-2026-0001)."),
});

const instant = z.iso.datetime();
const nullableInstant = instant.nullable();
const state = z.enum(REPORT_STATES);
const severity = z.enum(SEVERITIES).nullable();
const slaItemKeys = ["acknowledge", "triage", "update", "resolve"] as const satisfies readonly SlaItemKey[];
const slaStatuses = ["ok", "due_soon", "overdue", "met", "paused"] as const satisfies readonly SlaStatus[];

const sla = z
  .object({
    status: z.enum(slaStatuses),
    overdue: z.array(z.enum(slaItemKeys)).describe("The deadlines missed."),
  })
  .describe("The report's SLA picture now.");

const reportCommon = {
  id: z.uuid(),
  reference: z.string().describe("e.g. EMB-2026-0001"),
  title: z.string(),
  state,
  severity,
  assignee: z.string().nullable().describe("The Response Manager's email."),
  receivedAt: instant,
  updatedAt: instant,
  sla,
  waitingSince: nullableInstant.describe(
    "Set while the team waits for the reporter's answer (needs-info); the SLA clock is paused.",
  ),
};

/** One row of the list. */
export const reportSummarySchema = z
  .object({
    ...reportCommon,
    snippet: z
      .object({
        from: z.enum(["report", "message"]),
        visibility: z.enum(["reporter", "internal"]).nullable(),
        text: z.string(),
        html: z.string().describe("Escaped HTML, except for <mark> around the matched words."),
      })
      .nullable()
      .describe("With q: where the words were found."),
  })
  .meta({ id: "ReportSummary" });

/** A page of the list, with where it is. */
export const reportListSchema = z
  .object({
    items: z.array(reportSummarySchema),
    total: z.int().min(0),
    totalIsLowerBound: z
      .boolean()
      .describe("True when more than total reports match: counting stops 1,000 past the page asked for."),
    page: z.int().min(1),
    perPage: z.int().min(1).max(MAX_PER_PAGE),
  })
  .meta({ id: "ReportList" });

const attachment = z.object({
  id: z.uuid(),
  filename: z.string(),
  size: z.int().min(0).describe("Bytes."),
  sha256: z.string(),
});

const email = z.string().nullable();

const fixVerification = z.object({
  verifier: email.describe("The verifier's email."),
  sha: z
    .string()
    .nullable()
    .describe("The commit SHA the verification is bound to; null for a link that names no commit."),
  at: instant,
});

const fix = z
  .object({
    id: z.uuid(),
    kind: z
      .enum(["commit", "link"])
      .describe("commit: pushed to the report's private fix repository; link: a URL a member added."),
    url: z.string().nullable().describe("The link of a link fix; null for a pushed commit."),
    sha: z.string().nullable().describe("The commit's full SHA (a link may name one too)."),
    branch: z.string().nullable().describe("The fix branch a commit was pushed to, e.g. fix/EMB-2026-0001."),
    subject: z.string().nullable().describe("The commit's subject line."),
    author: email.describe(
      "For a link, the email of the member who added it; for a commit, the email of its git author.",
    ),
    gitAuthor: z.string().nullable().describe('A commit\'s author as git records it: "Name <email>".'),
    pushedBy: email.describe("The email of the member who pushed the commit; null for a link."),
    verifiedBy: email.describe("The email of the member who verified the fix last; null when unverified."),
    verifiedSha: z
      .string()
      .nullable()
      .describe("The SHA the latest verification is bound to; compare it with sha and stale."),
    stale: z
      .boolean()
      .describe(
        "True for a fix whose latest verification is of a SHA that is no longer its branch's head: the branch " +
          "moved (or went away) after the verification, so it no longer counts for fix_ready until someone " +
          "verifies the new head. Always false for a link and for an unverified fix.",
      ),
    createdAt: instant,
    verifications: z.array(fixVerification).describe("Every verification, oldest first."),
  })
  .meta({ id: "Fix" });

const severityScore = z.object({
  method: z.enum(["owasp", "cvss"]),
  vector: z.string(),
  severity: z.enum(SEVERITIES),
  score: z.number().nullable().describe("The CVSS base score; null for OWASP."),
  version: z.string().nullable().describe("The CVSS version; null for OWASP."),
  setsReportSeverity: z
    .boolean()
    .describe(
      "False when the organisation's severity comes from the other method, so this one is only kept.",
    ),
  reason: z.string(),
  setBy: z.string().nullable(),
  at: instant,
});

const message = z.object({
  id: z.uuid(),
  authorType: z.enum(["reporter", "team", "system"]),
  author: z.string(),
  visibility: z.enum(["reporter", "internal"]),
  kind: z.enum(["message", "acknowledgement", "rejection", "final_feedback", "note"]),
  body: z.string(),
  createdAt: instant,
  attachments: z.array(attachment),
});

/** Everything the team sees of one report. Also a leak filter: nothing else leaves the server. */
export const reportSchema = z
  .object({
    ...reportCommon,
    source: z.enum(["web", "api", "email"]),
    asset: z
      .object({ id: z.uuid(), name: z.string(), identifier: z.string(), inScope: z.boolean() })
      .nullable(),
    weakness: z.string(),
    description: z.string(),
    steps: z.string(),
    impact: z.string(),
    reporter: z.object({
      name: z.string().nullable(),
      email: z.string().nullable(),
      credit: z.enum(["name", "handle", "anonymous"]),
      keyFingerprint: z.string().nullable(),
    }),
    acknowledgedAt: nullableInstant,
    triagedAt: nullableInstant,
    resolvedAt: nullableInstant,
    closedAt: nullableInstant,
    deadlines: z.object({ acknowledgeBy: instant, triageBy: instant, resolveBy: instant }),
    rejectionReason: z.enum(REJECTION_REASONS).nullable(),
    duplicateOf: z.object({ id: z.uuid(), reference: z.string() }).nullable(),
    release: z.object({
      verification: z.enum(["passed", "failed"]).nullable(),
      overrideReason: z.string().nullable(),
    }),
    advisoryUrl: z.string().nullable(),
    noAdvisoryReason: z.string().nullable(),
    fixes: z.array(fix),
    severityHistory: z.array(severityScore),
    messages: z.array(message),
    attachments: z.array(attachment).describe("The report's own files; a message's are on the message."),
    availableActions: z.array(z.enum(REPORT_ACTIONS)).describe("The actions the lifecycle allows now."),
  })
  .meta({ id: "Report" });

/** The answer to a new message. */
export const messageCreatedSchema = z
  .object({
    id: z.uuid(),
    visibility: z.enum(["reporter", "internal"]),
    createdAt: instant,
  })
  .meta({ id: "MessageCreated" });
