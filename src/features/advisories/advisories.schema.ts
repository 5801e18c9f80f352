import { z } from "zod";
import { CREDIT_ROLES, cveIdProblem, OSV_ECOSYSTEMS, REFERENCE_TYPES } from "../../domain/advisory-record.ts";
import { ADVISORY_ACTIONS, MAX_REVIEW_MESSAGE } from "../../domain/advisory-review.ts";
import { creditUrlProblem } from "../../domain/credit.ts";
import { scoreCvss } from "../../domain/cvss.ts";

/** The most products, ranges, references and credits one advisory holds: enough for any real advisory. */
export const ADVISORY_LIMITS = {
  reports: 20,
  products: 50,
  ranges: 20,
  cwe: 10,
  references: 50,
  credits: 20,
  text: 100_000,
  comment: 10_000,
} as const;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are refused in one-line fields.
const CONTROL = /[\u0000-\u001f\u007f]/;

const line = (what: string, max: number) =>
  z
    .string({ message: `Enter ${what}.` })
    .trim()
    .min(1, `Enter ${what}.`)
    .max(max, `Use at most ${max} characters.`)
    .refine((v) => !CONTROL.test(v), "Remove the line breaks and control characters.");

/** Optional text: empty or missing means none (null). */
const optionalText = (max: number) =>
  z
    .string({ message: "Enter text." })
    .max(max, `Use at most ${max} characters.`)
    .nullish()
    .transform((v) => (v && v.trim() !== "" ? v.trim() : null));

const optionalLine = (max: number) =>
  z
    .string({ message: "Enter text." })
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .refine((v) => !CONTROL.test(v), "Remove the line breaks and control characters.")
    .nullish()
    .transform((v) => (v ? v : null));

/** An OSV ecosystem name, optionally with a release after a colon (`Debian:12`). */
export function ecosystemProblem(value: string): string | null {
  const [base, ...rest] = value.split(":");
  const suffix = rest.join(":");
  if (!(OSV_ECOSYSTEMS as readonly string[]).includes(base ?? ""))
    return `Use an OSV ecosystem name, e.g. ${OSV_ECOSYSTEMS.slice(0, 6).join(", ")}, optionally with :release (Debian:12).`;
  if (rest.length > 0 && !/^[A-Za-z0-9][A-Za-z0-9 ._+-]{0,63}$/.test(suffix))
    return "After the colon, give a release such as 12 or 22.04.";
  return null;
}

const version = (what: string) =>
  z
    .string({ message: `Enter the ${what} version or commit.` })
    .trim()
    .max(200, "Use at most 200 characters.")
    .refine((v) => !CONTROL.test(v) && !/\s/.test(v), "A version or commit has no spaces.");

export const rangeSchema = z
  .object({
    /** "0" means from the beginning. */
    introduced: version("introduced").min(1, 'Enter the first affected version, or "0" for all earlier.'),
    fixed: version("fixed")
      .nullish()
      .transform((v) => v || null),
    lastAffected: version("last affected")
      .nullish()
      .transform((v) => v || null),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.fixed && r.lastAffected)
      ctx.addIssue({
        code: "custom",
        path: ["lastAffected"],
        message: "Give the fixed version or the last affected one, not both.",
      });
  });

export const productSchema = z
  .object({
    product: line("the product's name", 200),
    package: z
      .object({
        ecosystem: z
          .string({ message: "Choose the package's ecosystem." })
          .trim()
          .superRefine((v, ctx) => {
            const problem = ecosystemProblem(v);
            if (problem) ctx.addIssue({ code: "custom", message: problem });
          }),
        name: line("the package's name", 200),
      })
      .strict()
      .nullish()
      .transform((v) => v ?? null),
    repository: z
      .string({ message: "Enter the repository's URL." })
      .trim()
      .max(500, "Use at most 500 characters.")
      .nullish()
      .transform((v) => (v ? v : null))
      .refine((v) => v === null || /^(https?:\/\/|git@|\/)\S+$/.test(v), "Give the repository's URL."),
    ranges: z
      .array(rangeSchema, { message: "List the affected ranges." })
      .max(ADVISORY_LIMITS.ranges, `At most ${ADVISORY_LIMITS.ranges} ranges.`)
      .default([]),
  })
  .strict();

const referenceSchema = z
  .object({
    type: z.enum(REFERENCE_TYPES, { message: `Choose a reference type: ${REFERENCE_TYPES.join(", ")}.` }),
    url: z
      .string({ message: "Enter the reference's URL." })
      .trim()
      .max(1000, "Use at most 1000 characters.")
      .refine((v) => {
        try {
          const u = new URL(v);
          return (u.protocol === "https:" || u.protocol === "http:") && !/\s/.test(v);
        } catch {
          return false;
        }
      }, "Give an http or https URL."),
  })
  .strict();

const teamCreditSchema = z
  .object({
    name: line("the person's or organisation's name", 200),
    role: z.enum(CREDIT_ROLES, { message: `Choose a role: ${CREDIT_ROLES.join(", ")}.` }),
    url: z
      .string()
      .nullish()
      .transform((v) => (v && v.trim() !== "" ? v.trim() : null))
      .superRefine((v, ctx) => {
        const problem = creditUrlProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
  })
  .strict();

/** The advisory's text and facts, shared by creation and edit (the form and `POST`/`PATCH /api/v1/advisories`). */
const contentShape = {
  title: line("a title", 300),
  /** One line, plain text. */
  summary: line("a one-line summary", 500),
  /** Markdown. */
  details: optionalText(ADVISORY_LIMITS.text).transform((v) => v ?? ""),
  cveId: z
    .string({ message: "Enter a CVE ID such as CVE-2026-12345." })
    .trim()
    .nullish()
    .transform((v) => (v ? v.toUpperCase() : null))
    .superRefine((v, ctx) => {
      const problem = v === null ? null : cveIdProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  noCveReason: optionalLine(1000),
  cwe: z
    .array(
      z
        .string({ message: "Give a CWE id such as CWE-79." })
        .trim()
        .toUpperCase()
        .regex(/^CWE-[1-9]\d{0,5}$/, "A CWE id has the form CWE-<number>, e.g. CWE-79."),
      { message: "List CWE ids such as CWE-79." },
    )
    .max(ADVISORY_LIMITS.cwe, `At most ${ADVISORY_LIMITS.cwe} CWE ids.`)
    .default([])
    .transform((ids) => [...new Set(ids)]),
  cvss: z
    .string({ message: "Enter a CVSS vector." })
    .trim()
    .nullish()
    .transform((v) => (v ? v : null))
    .refine(
      (v) => v === null || scoreCvss(v).ok,
      "Give a valid CVSS 3.0, 3.1 or 4.0 vector, e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H.",
    ),
  affected: z
    .array(productSchema, { message: "List the affected products." })
    .max(ADVISORY_LIMITS.products, `At most ${ADVISORY_LIMITS.products} products.`)
    .default([]),
  workarounds: optionalText(ADVISORY_LIMITS.text),
  solution: optionalText(ADVISORY_LIMITS.text),
  references: z
    .array(referenceSchema, { message: "List references as {type, url}." })
    .max(ADVISORY_LIMITS.references, `At most ${ADVISORY_LIMITS.references} references.`)
    .default([]),
  teamCredits: z
    .array(teamCreditSchema, { message: "List credits as {name, role, url}." })
    .max(ADVISORY_LIMITS.credits, `At most ${ADVISORY_LIMITS.credits} credits.`)
    .default([]),
};

/** `POST /api/v1/advisories` and the new-advisory form. */
export const createAdvisorySchema = z
  .object({
    /** The references (EMB-YYYY-NNNN) or ids of the reports the advisory covers. */
    reports: z
      .array(z.string({ message: "Give report references." }).trim().min(1, "Give a report reference."), {
        message: "Name the reports the advisory covers.",
      })
      .min(1, "Name at least one report the advisory covers.")
      .max(ADVISORY_LIMITS.reports, `At most ${ADVISORY_LIMITS.reports} reports.`),
    ...contentShape,
  })
  .strict();
export type CreateAdvisoryInput = z.output<typeof createAdvisorySchema>;

/** `PATCH /api/v1/advisories/:id` and the editor's Save: the full text, and a summary when it is published. */
export const editAdvisorySchema = z
  .object({
    ...contentShape,
    reports: createAdvisorySchema.shape.reports.optional(),
    /** Required for a published advisory: what changed, shown in its public revision history. */
    revisionSummary: optionalText(MAX_REVIEW_MESSAGE + 1),
  })
  .strict();
export type EditAdvisoryInput = z.output<typeof editAdvisorySchema>;

export const advisoryActionSchema = z
  .object({
    action: z.enum(ADVISORY_ACTIONS, { message: `Choose one of ${ADVISORY_ACTIONS.join(", ")}.` }),
    message: z
      .string({ message: "The message is text." })
      .max(MAX_REVIEW_MESSAGE, `Use at most ${MAX_REVIEW_MESSAGE} characters.`)
      .nullish()
      .transform((v) => (v && v.trim() !== "" ? v.trim() : null)),
  })
  .strict();

export const advisoryCommentSchema = z
  .object({
    body: z
      .string({ message: "Write your comment." })
      .trim()
      .min(1, "Write your comment.")
      .max(ADVISORY_LIMITS.comment, `Use at most ${ADVISORY_LIMITS.comment} characters.`),
  })
  .strict();
