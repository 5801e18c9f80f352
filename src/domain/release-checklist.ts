// The "getting ready" list of a release, computed from the facts, never typed: each item says whether it is done
// and why (or why not), naming the reports, advisories or recipients that hold it up. Members may add their own
// items and tick them with a note. Pure: the release service loads the facts.

import type { ReportState } from "./workflow-states.ts";

export interface ChecklistReport {
  reference: string;
  state: ReportState;
  /** A fix verification that still counts (not stale). */
  currentVerification: boolean;
  consultation:
    | { kind: "confirmed" }
    | { kind: "disputed" }
    | { kind: "invited" }
    | { kind: "waived"; reason: string }
    | { kind: "none" };
  packageVerification:
    | { kind: "passed" }
    | { kind: "overridden"; reason: string }
    | { kind: "failed" }
    | { kind: "none" };
  /** The reporter confirmed how they will be credited (or the credit they gave at intake, until that exists). */
  creditConfirmed: boolean;
}

export interface ChecklistAdvisory {
  id: string;
  state: "draft" | "in_review" | "approved" | "published" | "withdrawn";
  cveId: string | null;
  noCveReason: string | null;
}

export interface ChecklistRecipient {
  list: string;
  name: string;
  /** Why the key cannot be used (expired, revoked, no encryption subkey), or null when it can. */
  keyProblem: string | null;
}

export interface CustomItem {
  id: string;
  label: string;
  done: boolean;
  note: string | null;
}

export interface ChecklistFacts {
  reports: readonly ChecklistReport[];
  advisories: readonly ChecklistAdvisory[];
  recipients: readonly ChecklistRecipient[];
  custom: readonly CustomItem[];
}

export type ChecklistKey =
  | "fixes"
  | "consultation"
  | "package_verification"
  | "advisories_approved"
  | "cve_ids"
  | "recipient_keys"
  | "credits";

export interface ChecklistItem {
  key: ChecklistKey | `custom:${string}`;
  label: string;
  done: boolean;
  /** Why it is done, or what is missing. */
  why: string;
}

const AT_LEAST_FIX_READY: readonly ReportState[] = ["fix_ready", "released", "disclosed", "closed"];

function names(list: readonly string[]): string {
  if (list.length <= 3) return list.join(", ");
  return `${list.slice(0, 3).join(", ")} and ${list.length - 3} more`;
}

function item(
  key: ChecklistItem["key"],
  label: string,
  missing: readonly string[],
  done: string,
  notDone: (who: string) => string,
): ChecklistItem {
  return missing.length === 0
    ? { key, label, done: true, why: done }
    : { key, label, done: false, why: notDone(names(missing)) };
}

/** The computed items, then the members' own. */
export function releaseChecklist(facts: ChecklistFacts): ChecklistItem[] {
  const reports = facts.reports;
  const items: ChecklistItem[] = [];
  items.push(
    item(
      "fixes",
      "Every report is fix ready or later, with a current fix verification",
      reports
        .filter((r) => !AT_LEAST_FIX_READY.includes(r.state) || !r.currentVerification)
        .map((r) => r.reference),
      reports.length === 0 ? "The release has no reports." : "Every report's fix is verified and current.",
      (who) => `Not yet: ${who}.`,
    ),
  );
  items.push(
    item(
      "consultation",
      "The reporter was consulted on the fix, or the consultation was waived with a reason",
      reports
        .filter((r) => r.consultation.kind !== "confirmed" && r.consultation.kind !== "waived")
        .map((r) =>
          r.consultation.kind === "disputed"
            ? `${r.reference} (the reporter says it does not fix it)`
            : r.consultation.kind === "invited"
              ? `${r.reference} (waiting for the reporter)`
              : r.reference,
        ),
      "Every reporter confirmed the fix or the consultation was waived.",
      (who) => `Not yet: ${who}.`,
    ),
  );
  items.push(
    item(
      "package_verification",
      "A package verification passed, or was overridden with a reason",
      reports
        .filter((r) => r.packageVerification.kind !== "passed" && r.packageVerification.kind !== "overridden")
        .map((r) => (r.packageVerification.kind === "failed" ? `${r.reference} (failed)` : r.reference)),
      "The release packages were verified to contain every fix.",
      (who) => `Not yet: ${who}.`,
    ),
  );
  const advisories = facts.advisories.filter((a) => a.state !== "withdrawn");
  items.push(
    item(
      "advisories_approved",
      "Each advisory is approved",
      facts.advisories.length === 0
        ? ["no advisory is attached"]
        : advisories
            .filter((a) => a.state !== "approved" && a.state !== "published")
            .map((a) => `${a.id} (${a.state.replace("_", " ")})`),
      "Every advisory is approved.",
      (who) =>
        facts.advisories.length === 0 ? "No advisory is attached to the release yet." : `Not yet: ${who}.`,
    ),
  );
  items.push(
    item(
      "cve_ids",
      "Each advisory has a CVE ID, or the team recorded why not",
      advisories.filter((a) => !a.cveId && !(a.noCveReason && a.noCveReason.trim() !== "")).map((a) => a.id),
      "Every advisory has a CVE ID or a recorded reason.",
      (who) => `Missing: ${who}.`,
    ),
  );
  items.push(
    item(
      "recipient_keys",
      "Every pre-notification recipient has a usable key",
      facts.recipients
        .filter((r) => r.keyProblem !== null)
        .map((r) => `${r.name} on ${r.list} (${r.keyProblem})`),
      facts.recipients.length === 0
        ? "Nobody is pre-notified."
        : `All ${facts.recipients.length} recipients have usable keys.`,
      (who) => `Unusable: ${who}.`,
    ),
  );
  items.push(
    item(
      "credits",
      "The reporters confirmed how they will be credited",
      reports.filter((r) => !r.creditConfirmed).map((r) => r.reference),
      "Every reporter's credit is confirmed.",
      (who) => `Not yet: ${who}.`,
    ),
  );
  for (const c of facts.custom) {
    items.push({
      key: `custom:${c.id}`,
      label: c.label,
      done: c.done,
      why: c.note ?? (c.done ? "Ticked." : "Not ticked yet."),
    });
  }
  return items;
}

/** Whether a release may be scheduled: every item done, or a reason for the open ones. */
export function scheduleAllowed(
  items: readonly ChecklistItem[],
  openItemsReason: string | null | undefined,
): { ok: true } | { ok: false; open: string[] } {
  const open = items.filter((i) => !i.done).map((i) => i.label);
  if (open.length === 0) return { ok: true };
  if (
    typeof openItemsReason === "string" &&
    openItemsReason.replace(/[\u200b-\u200d\u2060\ufeff]/gu, "").trim() !== ""
  )
    return { ok: true };
  return { ok: false, open };
}
