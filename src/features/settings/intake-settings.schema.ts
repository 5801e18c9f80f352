import { z } from "zod";

const count = (label: string, max: number) =>
  z.coerce
    .number({ message: `${label} must be a number.` })
    .int(`${label} must be a whole number.`)
    .min(1, `${label} must be at least 1.`)
    .max(max, `${label} must be at most ${max}.`);

/** Junk and abuse limits for the public intake; admins tune them without a restart. */
export const intakeSettingsSchema = z.object({
  reportsPerHourPerIp: count("Reports per hour", 10_000),
  repliesPerHourPerIp: count("Replies per hour", 10_000),
  noJsReportsPerHourPerIp: count("Reports per hour without JavaScript", 10_000),
  emailReportsPerHourPerSender: count("Reports by email per hour per sender", 10_000),
  minStepsLength: z.coerce
    .number({ message: "Minimum steps length must be a number." })
    .int("Minimum steps length must be a whole number.")
    .min(0, "Minimum steps length must be 0 or more.")
    .max(5000, "Minimum steps length must be at most 5000."),
});

export type IntakeSettings = z.output<typeof intakeSettingsSchema>;

export const DEFAULT_INTAKE_SETTINGS: IntakeSettings = {
  reportsPerHourPerIp: 10,
  repliesPerHourPerIp: 30,
  noJsReportsPerHourPerIp: 3,
  emailReportsPerHourPerSender: 10,
  minStepsLength: 30,
};
