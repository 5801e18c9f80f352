import type { SlaPolicy } from "../../domain/sla.ts";
import type { SlaFormValues } from "./settings.views.tsx";

type ParsedBody = Record<string, string | File | (string | File)[]>;

/** The last text value of a field: a checked box after its hidden "false" wins, as the browser sent them in order. */
export function lastText(body: ParsedBody, name: string): string | undefined {
  const value = body[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const texts = list.filter((v): v is string => typeof v === "string");
  return texts[texts.length - 1];
}

export function allTexts(body: ParsedBody, name: string): string[] {
  const value = body[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === "string");
}

export function slaFormValues(policy: SlaPolicy): SlaFormValues {
  return {
    acknowledgeBusinessDays: String(policy.acknowledgeBusinessDays),
    triageBusinessDays: String(policy.triageBusinessDays),
    updateIntervalDays: String(policy.updateIntervalDays),
    resolutionDays: String(policy.resolutionDays),
    timeZone: policy.timeZone,
    weekendDays: [...policy.weekendDays],
    holidays: policy.holidays.join("\n"),
    reminderLeadHours: String(policy.reminderLeadHours),
    needsInfoExpiryDays: String(policy.needsInfoExpiryDays),
  };
}

/**
 * The SLA form as the policy's types: whole numbers as numbers, the checked weekdays as a list (none checked is
 * an empty list, not "unchanged"), holidays one per line. Text that is not a number is passed on as typed, so
 * the validator names the field instead of a silent NaN.
 */
export function slaInputFromForm(body: ParsedBody): {
  input: Record<string, unknown>;
  values: SlaFormValues;
} {
  const number = (name: string) => {
    const raw = (lastText(body, name) ?? "").trim();
    return /^\d{1,9}$/.test(raw) ? Number(raw) : raw;
  };
  const weekendRaw = allTexts(body, "weekendDays").map((v) => v.trim());
  const weekendDays = weekendRaw.map((v) => (/^\d$/.test(v) ? Number(v) : v));
  const holidaysText = lastText(body, "holidays") ?? "";
  const holidays = holidaysText
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const input = {
    acknowledgeBusinessDays: number("acknowledgeBusinessDays"),
    triageBusinessDays: number("triageBusinessDays"),
    updateIntervalDays: number("updateIntervalDays"),
    resolutionDays: number("resolutionDays"),
    timeZone: (lastText(body, "timeZone") ?? "").trim(),
    weekendDays,
    holidays,
    // Absent (an older form or a script) means the default; present but wrong is named by the validator.
    reminderLeadHours:
      lastText(body, "reminderLeadHours") === undefined ? undefined : number("reminderLeadHours"),
    needsInfoExpiryDays:
      lastText(body, "needsInfoExpiryDays") === undefined ? undefined : number("needsInfoExpiryDays"),
  };
  const values: SlaFormValues = {
    acknowledgeBusinessDays: lastText(body, "acknowledgeBusinessDays") ?? "",
    triageBusinessDays: lastText(body, "triageBusinessDays") ?? "",
    updateIntervalDays: lastText(body, "updateIntervalDays") ?? "",
    resolutionDays: lastText(body, "resolutionDays") ?? "",
    timeZone: lastText(body, "timeZone") ?? "",
    weekendDays: weekendDays.filter((d): d is number => typeof d === "number"),
    holidays: holidaysText,
    reminderLeadHours: lastText(body, "reminderLeadHours") ?? "",
    needsInfoExpiryDays: lastText(body, "needsInfoExpiryDays") ?? "",
  };
  return { input, values };
}
