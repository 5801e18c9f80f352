import { z } from "zod";
import { ROLES } from "../../domain/permissions.ts";

const tagList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(",")))
  .transform((tags) => [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))])
  .refine((tags) => tags.length <= 30, "Use at most 30 tags.")
  .refine((tags) => tags.every((t) => /^[a-z0-9][a-z0-9+#._-]{0,39}$/.test(t)), {
    message: "Tags are short words of letters, digits and + # . _ - (e.g. web, auth, crypto).",
  });

export const memberEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "Use at most 254 characters.")
  .pipe(z.email({ message: "Enter a valid email address." }));

export const memberName = z.string().trim().min(1, "Enter a name.").max(100, "Use at most 100 characters.");

/** A new team member, added by an admin. */
export const createMemberSchema = z.object({
  email: memberEmail,
  name: memberName,
  role: z.enum(ROLES, { message: "Choose admin, responder or viewer." }),
  /** Optional initial password; without one the member cannot log in until an admin sets it. */
  password: z.string().optional(),
  expertise: tagList.optional().default([]),
});

const optionalDate = z
  .union([z.literal(""), z.null(), z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-12-31.")])
  .optional()
  .transform((v) => (v ? v : null))
  .refine((v) => v === null || !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), "Use a real date.");

/** Changes an admin makes to a member; every field is optional. */
export const updateMemberSchema = z.object({
  name: memberName.optional(),
  role: z.enum(ROLES, { message: "Choose admin, responder or viewer." }).optional(),
  active: z
    .union([z.boolean(), z.enum(["true", "false", "on", "off"])])
    .transform((v) => v === true || v === "true" || v === "on")
    .optional(),
  expertise: tagList.optional(),
  /** Away until the end of this date (UTC); empty means available. */
  awayUntil: optionalDate,
  availabilityNote: z.string().trim().max(200, "Use at most 200 characters.").optional(),
  password: z.string().optional(),
});
