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

/** An invitation: who, in which role; the person chooses their own password through the link. */
export const inviteMemberSchema = createMemberSchema.omit({ password: true });

/** Changes an admin makes to a member; every field is optional. */
export const updateMemberSchema = z.object({
  name: memberName.optional(),
  role: z.enum(ROLES, { message: "Choose admin, responder or viewer." }).optional(),
  active: z
    .union([z.boolean(), z.enum(["true", "false", "on", "off"])])
    .transform((v) => v === true || v === "true" || v === "on")
    .optional(),
  expertise: tagList.optional(),
  availabilityNote: z.string().trim().max(200, "Use at most 200 characters.").optional(),
  password: z.string().optional(),
});

/** A real IANA time zone, stored under its canonical name ("europe/berlin" becomes "Europe/Berlin"). */
export const timeZoneSchema = z
  .string({ message: "Enter a time zone." })
  .trim()
  .min(1, "Enter a time zone, e.g. Europe/Berlin or UTC.")
  .max(64, "Use at most 64 characters.")
  .transform((zone, ctx) => {
    try {
      return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      ctx.addIssue({
        code: "custom",
        message: `"${zone}" is not a known time zone; use a name like Europe/Berlin.`,
      });
      return z.NEVER;
    }
  });

const clockTime = (which: string) =>
  z
    .string({ message: `Enter the ${which} time.` })
    .trim()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, `Use a 24-hour ${which} time like 09:00.`);

/** Weekly working hours; an end before the start is a night shift that crosses midnight. */
export const workingHoursSchema = z
  .object({
    days: z
      .array(z.coerce.number({ message: "Choose days of the week." }).int().min(0).max(6), {
        message: "Choose at least one working day.",
      })
      .min(1, "Choose at least one working day.")
      .transform((days) => [...new Set(days)].sort((a, b) => a - b)),
    start: clockTime("start"),
    end: clockTime("end"),
  })
  .refine((h) => h.start !== h.end, { path: ["end"], message: "The end must differ from the start." });

const localDate = (which: string) =>
  z
    .string({ message: `Enter the ${which} day.` })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `Use a date like 2026-12-31 for the ${which} day.`)
    .refine((v) => {
      const t = Date.parse(`${v}T00:00:00Z`);
      return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === v;
    }, `The ${which} day is not a real date.`);

/** Whole local days away in the member's time zone, both ends inclusive. */
export const awayPeriodSchema = z
  .object({ start: localDate("first"), end: localDate("last") })
  .refine((p) => p.end >= p.start, {
    path: ["end"],
    message: "The last day cannot be before the first day.",
  });

/** When a member can be given reports: their zone, weekly hours (null is any time) and away periods. */
export const availabilitySchema = z.object({
  timeZone: timeZoneSchema,
  workingHours: workingHoursSchema.nullable(),
  awayPeriods: z
    .array(awayPeriodSchema)
    .max(50, "Keep at most 50 away periods; remove old ones.")
    .transform((periods) =>
      [...periods].sort((a, b) => a.start.localeCompare(b.start) || a.end.localeCompare(b.end)),
    ),
});
export type AvailabilityInput = z.output<typeof availabilitySchema>;
