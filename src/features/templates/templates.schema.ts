import { z } from "zod";
import { TEMPLATE_PURPOSES } from "../../domain/templates.ts";

/** Longest template body: a rendered template must still fit a message (10,000 characters). */
export const TEMPLATE_BODY_MAX = 10_000;

/** A canned response as an admin enters it; the body's placeholders are checked by the domain, not here. */
export const templateSchema = z.object({
  /** Shown in pickers; unique regardless of case. */
  name: z
    .string({ message: "Enter a name." })
    .trim()
    .min(1, "Enter a name.")
    .max(120, "Use at most 120 characters."),
  /** Which forms offer it: acknowledgement, needs_info, rejection:<reason>, final_feedback or general. */
  purpose: z.enum(TEMPLATE_PURPOSES, { message: "Choose what the template is for." }),
  /** Plain text with {{variables}}; line breaks are kept. */
  body: z
    .string({ message: "Enter the text." })
    .refine((v) => v.trim().length > 0, "Enter the text.")
    .refine(
      (v) => v.length <= TEMPLATE_BODY_MAX,
      `Use at most ${TEMPLATE_BODY_MAX.toLocaleString("en")} characters.`,
    ),
  /** Inactive templates are kept but offered nowhere. */
  active: z
    .union([z.boolean(), z.enum(["true", "false", "on"])])
    .optional()
    .transform((v) => v === undefined || v === true || v === "true" || v === "on"),
});
export type TemplateInput = z.output<typeof templateSchema>;
