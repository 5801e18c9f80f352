import { z } from "zod";
import { parseAffectedVersions } from "../../domain/affected-versions.ts";
import { scoreCvss } from "../../domain/cvss.ts";
import { isKnownWeakness } from "../../domain/weaknesses.ts";
import { REJECTION_REASONS } from "../../domain/workflow.ts";

const text = (label: string, min: number, max: number) =>
  z
    .string({ message: `Enter the ${label}.` })
    .trim()
    .min(min, min <= 1 ? `Enter the ${label}.` : `The ${label} needs at least ${min} characters.`)
    .max(max, `The ${label} can have at most ${max.toLocaleString("en")} characters.`);

const optionalText = (max: number, message: string) =>
  z
    .string({ message })
    .trim()
    .max(max, message)
    .optional()
    .transform((v) => (v ? v : null));

/** The longest proposed CVSS vector accepted; a full CVSS 4.0 vector with every metric is about 250. */
export const MAX_PROPOSED_CVSS_LENGTH = 400;

/** The fixed minimum lengths of the report form's text fields; the form's hints show them before any error. */
export const INTAKE_MIN_LENGTHS = { title: 5, description: 20 } as const;

/** A new report, from the web form or the JSON intake: the same rules for both. */
export const intakeSchema = z.object({
  /** A one-line summary of the vulnerability. */
  title: text("title", INTAKE_MIN_LENGTHS.title, 200),
  /** The id of an asset from the scope, or "other". */
  asset: z
    .string({ message: "Choose the affected asset, or Other." })
    .trim()
    .min(1, "Choose the affected asset, or Other.")
    .max(64, "Choose the affected asset, or Other."),
  /** A CWE id from the short list, or "other". */
  weakness: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || "other")
    .refine(isKnownWeakness, "Choose a weakness from the list, or Other."),
  /** What the vulnerability is. */
  description: text("description", INTAKE_MIN_LENGTHS.description, 20_000),
  /** How to reproduce it. */
  steps: text("steps to reproduce", 1, 20_000),
  /** What an attacker could achieve. */
  impact: text("impact", 1, 10_000),
  /**
   * Optional: the CVSS 3.0, 3.1 or 4.0 vector the reporter proposes. Checked by the same parser as the team's
   * calculator; the team sees it as the reporter's proposal and may adopt it.
   */
  cvss: z
    .string({ message: "Give the CVSS vector as text, e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H." })
    .trim()
    .max(MAX_PROPOSED_CVSS_LENGTH, `The CVSS vector can have at most ${MAX_PROPOSED_CVSS_LENGTH} characters.`)
    .nullish()
    .transform((v, ctx) => {
      if (!v) return null;
      const scored = scoreCvss(v);
      if (scored.ok) return v;
      ctx.addIssue({ code: "custom", message: `Invalid CVSS vector: ${scored.error}.` });
      return z.NEVER;
    }),
  /** Optional: affected versions or ranges, one per line or as a list; at most 20, each at most 100 characters. */
  affectedVersions: z
    .union([z.string(), z.array(z.unknown())], {
      message: "List the affected versions as text, one per line, or as a list of strings.",
    })
    .nullish()
    .transform((v, ctx) => {
      const parsed = parseAffectedVersions(v);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: "custom", message: parsed.error });
      return z.NEVER;
    }),
  /** Optional; without it the reporter follows the report only through the tracking link. */
  email: z
    .string({ message: "Enter a valid email address, or leave it empty." })
    .trim()
    .max(254, "Use at most 254 characters.")
    .optional()
    .transform((v) => (v ? v.toLowerCase() : null))
    .refine(
      (v) => v === null || z.email().safeParse(v).success,
      "Enter a valid email address, or leave it empty.",
    ),
  /** Name or handle for the credit. */
  name: optionalText(100, "Use at most 100 characters for the name or handle."),
  /** How the reporter wants to be credited. */
  credit: z
    .enum(["name", "handle", "anonymous"], { message: "Choose name, handle or anonymous." })
    .optional()
    .transform((v) => v ?? "anonymous"),
});
export type IntakeInput = z.output<typeof intakeSchema>;

/** Credit by name or handle needs one to print. */
export const intakeRefined = intakeSchema.superRefine((value, ctx) => {
  if (value.credit !== "anonymous" && !value.name) {
    ctx.addIssue({
      code: "custom",
      path: ["name"],
      message: "Enter the name or handle to credit, or choose anonymous.",
    });
  }
});

/** The JSON intake's attachments: base64 content with a file name. */
export const jsonAttachmentSchema = z.array(
  z.object({
    filename: z.string().trim().min(1, "Each attachment needs a filename.").max(255),
    content: z
      .string()
      .max(15_000_000, "An attachment is larger than 10 MB.")
      .regex(/^[A-Za-z0-9+/=\s]*$/, "Attachment content must be base64."),
  }),
  { message: "attachments must be a list of {filename, content}." },
);

const reason = (what: string) =>
  z
    .string({ message: `Give ${what}.` })
    .trim()
    .min(1, `Give ${what}.`)
    .max(10_000, "Use at most 10,000 characters.");

const uuidOrReference = z
  .string()
  .trim()
  .min(1, "Name the original report.")
  .max(64, "Name the original report.");

const nullableText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .nullish()
    .transform((v) => (v ? v : null));

/** set_severity carries exactly one vector: an OWASP Risk Rating vector or a CVSS 3.x/4.0 vector. */
const setSeveritySchema = z
  .object({
    action: z.literal("set_severity"),
    owasp: z.string({ message: "Give an OWASP vector." }).max(200, "The vector is too long.").nullish(),
    cvss: z.string({ message: "Give a CVSS vector." }).max(2000, "The CVSS vector is too long.").nullish(),
    reason: nullableText(2000),
  })
  .superRefine((v, ctx) => {
    const given = (v.owasp != null ? 1 : 0) + (v.cvss != null ? 1 : 0);
    if (given === 1) return;
    const message =
      given === 0
        ? "Give an OWASP vector (owasp) or a CVSS vector (cvss)."
        : "Give either an OWASP vector (owasp) or a CVSS vector (cvss), not both.";
    ctx.addIssue({ code: "custom", path: ["owasp"], message });
    ctx.addIssue({ code: "custom", path: ["cvss"], message });
  });

/** Every lifecycle action with its parameters, as sent by the JSON API or the report page's forms. */
export const actionSchema = z.discriminatedUnion(
  "action",
  [
    z.object({ action: z.literal("acknowledge"), message: nullableText(10_000) }),
    z.object({
      action: z.literal("assign"),
      assignee: z
        .string({ message: "Name the Response Manager by email." })
        .trim()
        .min(1, "Choose a Response Manager.")
        .max(254),
    }),
    z.object({ action: z.literal("start_triage") }),
    setSeveritySchema,
    z.object({ action: z.literal("confirm") }),
    z
      .object({
        action: z.literal("reject"),
        reason: z.enum(REJECTION_REASONS, {
          message: `reason must be one of ${REJECTION_REASONS.join(", ")}.`,
        }),
        // Spam is rejected silently, so only spam may come without a message.
        message: nullableText(10_000),
      })
      .superRefine((v, ctx) => {
        if (v.reason !== "spam" && !v.message) {
          const text = "Give a message to the reporter explaining the decision.";
          ctx.addIssue({ code: "custom", path: ["message"], message: text });
        }
      }),
    z.object({
      action: z.literal("mark_duplicate"),
      of: uuidOrReference,
      message: reason("a message to the reporter"),
    }),
    z.object({ action: z.literal("start_remediation") }),
    z.object({
      action: z.literal("add_fix"),
      url: z
        .string({ message: "Give the fix's URL." })
        .trim()
        .min(1, "Give the fix's URL.")
        .max(2048, "The URL is too long."),
    }),
    /** A private fix repository for the report: in a registered repository (id or name; default: the asset's). */
    z.object({
      action: z.literal("create_fix_branch"),
      repository: nullableText(200),
      /** A branch, tag or full SHA in the mirror; default: the repository's default branch. */
      base: nullableText(255),
    }),
    z.object({
      action: z.literal("verify_fix"),
      fix: z
        .string()
        .trim()
        .max(64)
        .nullish()
        .describe(
          "The fix's id, or a pushed commit's full SHA. Without it: the latest fix, and for a commit its branch's head.",
        ),
    }),
    z.object({
      action: z.literal("release"),
      // A typed claim is no longer evidence: a client still sending it learns what to send instead.
      verification: z
        .unknown()
        .refine((v) => v === undefined, {
          message:
            "verification is no longer accepted: a release needs a passed package verification covering the report (start one with POST /api/v1/verifications), or override_reason.",
        })
        .optional(),
      override_reason: nullableText(2000),
    }),
    z.object({
      action: z.literal("disclose"),
      advisory_url: nullableText(2048),
      no_advisory_reason: nullableText(2000),
    }),
    z.object({ action: z.literal("close"), message: reason("the final feedback to the reporter") }),
    z.object({ action: z.literal("reopen"), reason: reason("a reason for reopening") }),
    /** Asks the reporter a question; the SLA clock pauses until they answer. */
    z.object({
      action: z.literal("request_info"),
      message: reason("the question for the reporter"),
    }),
    /** Takes back the latest rejection while nothing about it has reached the reporter; mails no one. */
    z.object({ action: z.literal("undo_rejection") }),
    /** Shares the fix with the reporter: their tracking page shows this message, the diff and clone access. */
    z.object({
      action: z.literal("invite_reporter_to_fix"),
      message: reason("the message inviting the reporter to check the fix"),
    }),
  ],
  { error: (issue) => (issue.code === "invalid_union" ? "Unknown action." : undefined) },
);
export type ActionInput = z.output<typeof actionSchema>;

/** A message in a report's conversation. */
export const messageSchema = z.object({
  body: z
    .string({ message: "Write a message." })
    .trim()
    .min(1, "Write a message.")
    .max(20_000, "Use at most 20,000 characters."),
  visibility: z.enum(["reporter", "internal"], { message: 'visibility must be "reporter" or "internal".' }),
});

/** The reporter's reply on the tracking page. */
export const reporterReplySchema = z.object({
  body: z
    .string({ message: "Write a message." })
    .trim()
    .min(1, "Write a message.")
    .max(20_000, "Use at most 20,000 characters."),
});

/**
 * The reporter's answer on the fix they were invited to check. A "does not fix" needs the comment that says why;
 * a "fixes" may come without one.
 */
export const fixAnswerSchema = z
  .object({
    verdict: z.enum(["fixes", "does_not_fix"], {
      message: "Choose “This fixes it” or “This does not fix it”.",
    }),
    comment: z
      .string({ message: "Write your comment as text." })
      .trim()
      .max(20_000, "Use at most 20,000 characters.")
      .optional()
      .transform((v) => v ?? ""),
  })
  .superRefine((v, ctx) => {
    if (v.verdict === "does_not_fix" && v.comment === "") {
      ctx.addIssue({
        code: "custom",
        path: ["comment"],
        message: "Say what the fix misses, so the team can correct it.",
      });
    }
  });

/** Inbox filters, sorting and paging from the query string. */
/**
 * A filter value from the address bar. PostgreSQL refuses NUL in text, and no state, severity or member has
 * one, so a value carrying it is ignored like any other value that matches nothing we know.
 */
const filterValue = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !v.includes("\u0000"))
    .optional()
    .catch(undefined);

/** The inbox's orders: a column, descending with a leading "-". */
export const INBOX_SORTS = [
  "received",
  "-received",
  "updated",
  "-updated",
  "severity",
  "-severity",
  "reference",
  "-reference",
  "state",
  "-state",
] as const;

export const inboxQuerySchema = z.object({
  state: filterValue(20),
  severity: filterValue(20),
  assignee: filterValue(64),
  /** The search text; control characters (NUL among them) separate words like spaces do. */
  q: z
    .string()
    .max(200)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point.
    .transform((v) => v.replace(/[\u0000-\u001f\u007f]+/g, " ").trim())
    .optional()
    .catch(undefined),
  /** "1" shows reports rejected as spam, which the default lists hide. */
  spam: filterValue(5),
  /** "overdue" (a missed deadline), "team" (waiting for the team) or "waiting" (waiting for the reporter's answer). */
  sla: filterValue(20),
  sort: z.enum(INBOX_SORTS).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
  perPage: z.coerce.number().int().min(5).max(200).optional().catch(undefined),
  closed: z.enum(["1", "0", "true", "false"]).optional().catch(undefined),
});
export type InboxQuery = z.output<typeof inboxQuerySchema>;

/** The address a reporter asks new tracking links for. */
export const reporterEmailSchema = z
  .string({ message: "Enter a valid email address." })
  .trim()
  .toLowerCase()
  .max(254, "Use at most 254 characters.")
  .pipe(z.email({ message: "Enter a valid email address." }));
