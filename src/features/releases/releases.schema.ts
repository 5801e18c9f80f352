import { z } from "zod";
import { MAX_REASON_LENGTH, RELEASE_TRACKS } from "../../domain/release-policy.ts";

/** The most reports one release names. */
export const MAX_RELEASE_REPORTS = 100;

/** An ISO 8601 instant with its offset ("2026-03-28T10:00:00Z"); a form's "YYYY-MM-DDTHH:MM" is read as UTC. */
const instant = (what: string) =>
  z
    .string({ message: `Enter ${what} as an ISO 8601 instant, e.g. 2026-03-28T10:00:00Z.` })
    .trim()
    .transform((v, ctx) => {
      const text = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00Z` : v;
      const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(text);
      const d = new Date(text);
      if (!ok || !Number.isFinite(d.getTime())) {
        ctx.addIssue({
          code: "custom",
          message: `Enter ${what} as an ISO 8601 instant with its offset, e.g. 2026-03-28T10:00:00Z.`,
        });
        return z.NEVER;
      }
      return d;
    });

const optionalInstant = (what: string) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), instant(what).optional());

const reason = (what: string) =>
  z
    .string({ message: `Give ${what}.` })
    .trim()
    .min(1, `Give ${what}.`)
    .max(MAX_REASON_LENGTH, `Use at most ${MAX_REASON_LENGTH} characters.`);

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `Use at most ${max} characters.`)
    .nullish()
    .transform((v) => (v ? v : null));

/** POST /api/v1/releases and the /releases/new form. */
export const createReleaseSchema = z.object({
  /** The version the release ships as, e.g. 2.3.1. */
  version: z
    .string({ message: "Enter the version." })
    .trim()
    .min(1, "Enter the version.")
    .max(64, "Use at most 64 characters.")
    .regex(/^[\w.+~-]+$/, "Use letters, digits and . + ~ - _ only, e.g. 2.3.1."),
  /** The registered repository's id, or nothing. */
  repository: optionalText(64),
  /** The reports it fixes, by reference (EMB-2026-0001) or id. */
  reports: z
    .array(z.string().trim().min(1).max(64), { message: "Name the reports as a list of references." })
    .min(1, "Name at least one report for the release.")
    .max(MAX_RELEASE_REPORTS, `A release names at most ${MAX_RELEASE_REPORTS} reports.`),
  publishAt: instant("the publication time"),
  prenotifyAt: optionalInstant("the pre-notification time"),
  /** The notification lists told beforehand, by id. */
  notify: z
    .array(z.string().trim().max(64), { message: "Name the lists as a list of ids." })
    .max(50, "Name at most 50 lists.")
    .default([]),
  track: z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z.enum(RELEASE_TRACKS, { message: `The track must be one of ${RELEASE_TRACKS.join(", ")}.` }).optional(),
  ),
  trackOverrideReason: optionalText(MAX_REASON_LENGTH),
});
export type CreateReleaseInput = z.output<typeof createReleaseSchema>;

/** POST /api/v1/releases/:id/actions and the release page's forms. */
export const releaseActionSchema = z.discriminatedUnion(
  "action",
  [
    z.object({ action: z.literal("schedule"), openItemsReason: optionalText(MAX_REASON_LENGTH) }),
    z.object({
      action: z.literal("reschedule"),
      publishAt: instant("the new publication time"),
      prenotifyAt: optionalInstant("the new pre-notification time"),
    }),
    z.object({ action: z.literal("ship") }),
    z.object({
      action: z.literal("publish_now"),
      reason: reason("the reason to publish before the set time"),
    }),
    z.object({ action: z.literal("cancel"), reason: reason("the reason to cancel the release") }),
    z.object({
      action: z.literal("waive_consultation"),
      report: z.string({ message: "Name the report." }).trim().min(1, "Name the report.").max(64),
      reason: reason("the reason the reporter is not consulted"),
    }),
    z.object({
      action: z.literal("waive_package_verification"),
      report: z.string({ message: "Name the report." }).trim().min(1, "Name the report.").max(64),
      reason: reason("the reason no package verification is needed"),
    }),
    z.object({
      action: z.literal("add_item"),
      label: z.string({ message: "Describe the item." }).trim().min(1, "Describe the item.").max(200),
    }),
    z.object({
      action: z.literal("tick_item"),
      item: z.string({ message: "Name the item." }).trim().min(1, "Name the item.").max(64),
      note: optionalText(MAX_REASON_LENGTH),
    }),
    z.object({
      action: z.literal("untick_item"),
      item: z.string({ message: "Name the item." }).trim().min(1, "Name the item.").max(64),
    }),
  ],
  { error: (issue) => (issue.code === "invalid_union" ? "Unknown action." : undefined) },
);
export type ReleaseActionInput = z.output<typeof releaseActionSchema>;
export const RELEASE_ACTIONS = [
  "schedule",
  "reschedule",
  "ship",
  "publish_now",
  "cancel",
  "waive_consultation",
  "waive_package_verification",
  "add_item",
  "tick_item",
  "untick_item",
] as const;

/** POST /api/v1/reports/:id/leaks and the report page's "Report a leak" form. */
export const leakSchema = z.object({
  url: z.preprocess(
    (v) => (v === "" || v === null ? undefined : v),
    z
      .url({
        protocol: /^https?$/,
        message: "Enter the http(s) address where it became public, or leave it empty.",
      })
      .max(2048, "Use at most 2048 characters.")
      .optional(),
  ),
  note: reason("a note on where and how it became public"),
});
