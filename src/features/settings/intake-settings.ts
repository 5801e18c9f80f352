// Transitional re-exports; removed once every caller uses the settings service.
import type { Clock } from "../../core/clock.ts";
import type { Db } from "../../core/db.ts";
import { createSettingsService } from "./settings.service.ts";

export * from "./intake-settings.schema.ts";
export { loadIntakeSettings } from "./settings.service.ts";
export const updateIntakeSettings = (db: Db, clock: Clock, actorId: string, input: unknown) =>
  createSettingsService({ db, clock }).updateIntake(actorId, input);
