import { z } from "zod";
import { CREDIT_DISPLAYS, type CreditChoice, creditProblems } from "../../domain/credit.ts";
import { FEEDBACK_COMMENT_MAX } from "../../domain/final-feedback.ts";

/** The credit a reporter sets, as the JSON API documents it; the service reads it with readCreditChoice. */
export const creditInputSchema = z
  .object({
    /** Which of the reporter's names is shown publicly, or none. */
    display: z.enum(CREDIT_DISPLAYS).describe('"name", "handle" or "anonymous" (no name anywhere public).'),
    name: z.string().nullable().optional().describe('Required when display is "name".'),
    handle: z.string().nullable().optional().describe('Required when display is "handle".'),
    url: z
      .string()
      .nullable()
      .optional()
      .describe("An https link: homepage, fediverse or GitHub profile. Other schemes are refused."),
    affiliation: z.string().nullable().optional().describe("An affiliation or team."),
    coFinders: z.array(z.string()).optional().describe("Co-finders by name or handle, for team credit."),
    hallOfFame: z.boolean().describe("Whether to appear in the hall of fame once an advisory is public."),
  })
  .meta({ id: "CreditInput" });

const text = (v: unknown): string | null => {
  if (typeof v !== "string") return v === undefined || v === null ? null : (v as never);
  const t = v.trim();
  return t === "" ? null : t;
};

/**
 * Reads a credit from a JSON body or a posted form: strings are trimmed (empty is none), co-finders are a list
 * (a form gives one per line or comma-separated), hallOfFame is a boolean (a form's checkbox says "on"). Anything
 * of the wrong type stays as it is, so creditProblems names it instead of it being silently dropped.
 */
export function readCreditChoice(raw: unknown): { choice: CreditChoice; problems: Record<string, string> } {
  const o = (raw && typeof raw === "object" && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const co = o.coFinders;
  const coFinders =
    co === undefined || co === null || co === ""
      ? []
      : typeof co === "string"
        ? co
            .split(/[\n,]/)
            .map((s) => s.trim())
            .filter(Boolean)
        : Array.isArray(co)
          ? co.map((c) => (typeof c === "string" ? c.trim() : c))
          : (co as never);
  const hof = o.hallOfFame;
  const choice = {
    display: o.display as CreditChoice["display"],
    name: text(o.name),
    handle: text(o.handle),
    url: text(o.url),
    affiliation: text(o.affiliation),
    coFinders,
    hallOfFame: hof === true || hof === "on" || hof === "true",
  } as CreditChoice;
  const problems: Record<string, string> = { ...creditProblems(choice) };
  if (hof !== undefined && typeof hof !== "boolean" && hof !== "on" && hof !== "true" && hof !== "false")
    problems.hallOfFame = "hallOfFame must be true or false.";
  return { choice, problems };
}

/** The reporter's feedback on how their report was handled, as the form and the API send it. */
export const feedbackInputSchema = z
  .object({
    rating: z.number().int().min(1).max(5).describe("1 (poor) to 5 (excellent)."),
    comment: z.string().max(FEEDBACK_COMMENT_MAX).optional().describe("Anything you want us to know."),
  })
  .meta({ id: "FeedbackInput" });

/** The reason the team gives when it changes a credit after publication. */
export const teamCreditReasonMax = 1000;
