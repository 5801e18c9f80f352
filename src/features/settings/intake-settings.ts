import { z } from "zod";
import type { Clock } from "../../core/clock.ts";
import type { Db } from "../../core/db.ts";
import { badRequest } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import { appendAuditEvent } from "../audit/audit.repo.ts";
import { readSetting, writeSetting } from "./settings.repo.ts";

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

/** Defaults fill in anything unsaved, so a fresh install is protected before an admin visits the page. */
export async function loadIntakeSettings(db: Db): Promise<IntakeSettings> {
  const stored = await readSetting(db, "intake");
  const parsed = intakeSettingsSchema.safeParse({
    ...DEFAULT_INTAKE_SETTINGS,
    ...(stored as object | undefined),
  });
  return parsed.success ? parsed.data : DEFAULT_INTAKE_SETTINGS;
}

/** Saves the intake limits and records who changed them in the same transaction. */
export async function updateIntakeSettings(
  db: Db,
  clock: Clock,
  actorId: string,
  input: unknown,
): Promise<IntakeSettings> {
  // A limit the form does not send (one added after the form was loaded) keeps its current value.
  const given = input !== null && typeof input === "object" ? (input as Record<string, unknown>) : {};
  const present = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const parsed = intakeSettingsSchema.safeParse({ ...(await loadIntakeSettings(db)), ...present });
  if (!parsed.success) throw badRequest("Some intake limits are not valid.", zodFieldErrors(parsed.error));
  return db.transaction(async (tx) => {
    const now = clock();
    await writeSetting(tx, "intake", parsed.data, now);
    await appendAuditEvent(
      tx,
      {
        actorType: "user",
        actorId,
        action: "settings.intake_updated",
        reportId: null,
        data: { ...parsed.data },
      },
      now,
    );
    return parsed.data;
  });
}
