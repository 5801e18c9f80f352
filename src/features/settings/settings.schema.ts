import { z } from "zod";
import { advisoryPrefixProblem } from "../../domain/advisory-review.ts";
import { AUTO_ASSIGN_MODES } from "../../domain/auto-assign.ts";
import { DEFAULT_SLA_POLICY, type SlaPolicy, validateSlaPolicy } from "../../domain/sla.ts";

export const DEFAULT_POLICY_MARKDOWN = `We welcome reports of security vulnerabilities in our systems and software, and we work with researchers to fix them before details are made public.

**Please:**

- report privately through the form on this site, and keep the details confidential until we have released a fix and agreed on disclosure;
- give us enough information to reproduce the problem;
- stay within the scope below, and do not access, change or delete data that is not yours;
- do not run denial-of-service tests, social engineering or physical attacks.

**We will:**

- acknowledge your report and tell you what happens next;
- keep you informed at every stage and explain our decisions;
- fix confirmed issues as fast as we can, within 90 days;
- credit you publicly (or keep you anonymous, as you prefer).`;

export const DEFAULT_SAFE_HARBOR_MARKDOWN = `We consider security research carried out in good faith and within this policy to be authorised. We will not pursue or support legal action against you for it, and if a third party takes legal action against you for research that followed this policy, we will make it known that you acted in line with it. If you are unsure whether something is allowed, ask us first through the report form.`;

/** Organisation-wide settings edited by admins. */
export const orgSettingsSchema = z.object({
  /** Shown on every public page. */
  name: z.string().trim().min(1, "Enter the organisation name.").max(120, "Use at most 120 characters."),
  /** The address for mailto: in security.txt; optional. */
  securityEmail: z
    .union([z.literal(""), z.email({ message: "Enter a valid email address, or leave it empty." })])
    .default(""),
  /** BCP 47 tags for security.txt, comma separated. */
  preferredLanguages: z
    .string()
    .trim()
    .max(100)
    .refine(
      (v) => v === "" || v.split(/\s*,\s*/).every((tag) => /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(tag)),
      {
        message: "Use language tags separated by commas, e.g. en, de.",
      },
    )
    .default("en"),
  policyMarkdown: z.string().max(50_000, "Use at most 50,000 characters.").default(DEFAULT_POLICY_MARKDOWN),
  safeHarborMarkdown: z
    .string()
    .max(20_000, "Use at most 20,000 characters.")
    .default(DEFAULT_SAFE_HARBOR_MARKDOWN),
  /** Which OWASP impact sets a report's severity: the seeds say business impact when it is known. */
  severityImpact: z
    .enum(["business", "technical"], { message: "Choose business or technical impact." })
    .default("business"),
  /** Which method's score sets a report's severity; a score of the other method is only recorded next to it. */
  severitySource: z
    .enum(["owasp", "cvss"], { message: "Choose OWASP Risk Rating or CVSS." })
    .default("owasp"),
  /** When Embargo picks the Response Manager itself; a manual assignment always wins. */
  autoAssign: z
    .enum(AUTO_ASSIGN_MODES, { message: "Choose when to assign a Response Manager automatically." })
    .default("on_acknowledge"),
  /** "true" tells a duplicate's reporter the original's reference; "false" (the default) uses neutral words. */
  revealDuplicateReference: z
    .preprocess(
      (v) => (typeof v === "boolean" ? String(v) : v),
      z.enum(["false", "true"], { message: "Choose whether to tell the reference." }),
    )
    .default("false"),
  /** "true" (the default) shows reporters their report's severity, with its score and vector, once it is set. */
  shareSeverityWithReporters: z
    .preprocess(
      (v) => (typeof v === "boolean" ? String(v) : v),
      z.enum(["true", "false"], { message: "Choose whether reporters see the severity." }),
    )
    .default("true"),
  /** "true" (the default) serves security.txt OpenPGP cleartext-signed by the intake key (RFC 9116 §2.3). */
  signSecurityTxt: z
    .preprocess(
      (v) => (typeof v === "boolean" ? String(v) : v),
      z.enum(["true", "false"], { message: "Choose whether to sign security.txt." }),
    )
    .default("true"),
  /** The CNA's organisation id (a UUID from the CVE Program) that CVE JSON 5 records name; empty: no CVE records. */
  cnaOrgId: z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => v === "" || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v), {
      message:
        "Enter the CNA organisation id as a UUID (e.g. b3476cb9-2e3d-41a6-98d0-0f47421a65b6), or leave it empty.",
    })
    .default(""),
  /** The prefix of advisory ids, `<prefix>-YYYY-NNNN`; changing it leaves existing ids as they are. */
  advisoryPrefix: z
    .string()
    .trim()
    .superRefine((v, ctx) => {
      const problem = advisoryPrefixProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .default("EMBSA"),
  /** How many hours before a security release's publication its pre-notification lists are told. */
  prenotifyHours: z
    .preprocess(
      (v) => (typeof v === "number" ? String(v) : v),
      z
        .string()
        .trim()
        .regex(/^\d{1,3}$/, "Enter a whole number of hours, from 0 to 720.")
        .refine((v) => Number(v) <= 720, "Use at most 720 hours (30 days)."),
    )
    .default("24"),
});
export type OrgSettings = z.output<typeof orgSettingsSchema>;

export const DEFAULT_ORG_SETTINGS: OrgSettings = orgSettingsSchema.parse({ name: "Example Project" });

export const slaSettingsSchema = z.unknown().transform((value, ctx): SlaPolicy => {
  const result = validateSlaPolicy(value);
  if (!result.ok) {
    for (const [field, message] of Object.entries(result.errors))
      ctx.addIssue({ code: "custom", path: [field], message });
    return z.NEVER;
  }
  return result.value;
});

export { DEFAULT_SLA_POLICY };
