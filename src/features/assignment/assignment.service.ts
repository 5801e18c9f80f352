import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { Clock } from "../../core/clock.ts";
import type { Db, Tx } from "../../core/db.ts";
import { notFound } from "../../core/errors.ts";
import {
  type AssignmentResult,
  chooseResponseManager,
  explainChoice,
  explainRanking,
  type LoadSeverity,
  subjectTags,
  type UnavailableMember,
} from "../../domain/assignment.ts";
import { availabilityNow, candidateOf } from "../../domain/candidates.ts";
import { memberKeyUsability, type StoredKeyFacts } from "../../domain/member-key.ts";
import type { AlertsService } from "../alerts/alerts.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { TeamService } from "../team/team.service.ts";
import {
  findAssetTags,
  findAssignmentSubject,
  listActiveAdminIds,
  listAssignableMembers,
  reportsWaitingForSomeone,
  setAssignee,
} from "./assignment.repo.ts";

/** The moment an automatic assignment is tried. */
export type AssignTrigger = "intake" | "acknowledge";

export type AutoAssignOutcome =
  | { kind: "off" }
  | { kind: "kept"; assigneeId: string }
  | { kind: "assigned"; assigneeId: string; explanation: string; eventId: string }
  | { kind: "nobody"; explanation: string; eventId: string };

/** What assignment needs to know of a report. */
export interface Subject {
  id: string;
  assigneeId: string | null;
  assetId: string | null;
  weakness: string;
}

export interface AssignmentDeps {
  db: Db;
  clock: Clock;
  settings: SettingsService;
  team: TeamService;
  alerts: AlertsService;
}

/** Loads the candidates (with their open load and keys) and the report's tags, and runs the pure ranking. */
async function rank(tx: Db, report: Subject, now: Date) {
  // One after the other: inside a transaction there is one connection, and it runs one query at a time.
  const assignable = await listAssignableMembers(tx);
  const assetTags = await findAssetTags(tx, report.assetId);
  const members = assignable.map((a) => a.user);
  const candidates = assignable.map((a) => ({
    ...candidateOf(a.user, a.load as LoadSeverity[]),
    ...keyEligibility(a.key ?? undefined, now),
  }));
  const subject = { assetTags, weakness: report.weakness };
  const result = chooseResponseManager(candidates, subject, now);
  return { result, members, subject };
}

/**
 * Team notifications are encrypted to each member's key, so a Response Manager needs a usable OpenPGP key
 * (issue 4: "cannot be assigned reports until they have a valid key"): the same rule the assign action refuses by.
 */
export function keyEligibility(
  key: StoredKeyFacts | null | undefined,
  now: Date,
): { eligible: boolean; ineligibleBecause?: string } {
  const verdict = memberKeyUsability(key, now);
  return verdict.usable ? { eligible: true } : { eligible: false, ineligibleBecause: verdict.short };
}

/** "Nobody was available to assign: Ann (away until 2026-03-20), …": the reasons, person by person. */
export function nobodyAvailableText(unavailable: readonly UnavailableMember[]): string {
  const reasons =
    unavailable.length === 0
      ? "the team has no active responder or admin"
      : unavailable.map((u) => `${u.name} (${u.detail})`).join(", ");
  return `Nobody was available to assign: ${reasons}. The admins were alerted.`;
}

/**
 * Picks the Response Manager when the org setting says so, inside the caller's transaction: on acknowledgement
 * (the default, and again after an intake attempt found nobody) or at intake. A report that already has a
 * Response Manager keeps them: a person's choice always wins. The choice, or the fact that nobody was available
 * and why, is an audit event the timeline shows, and the assignee or the admins are alerted.
 */
async function assignAutomatically(
  deps: AssignmentDeps,
  tx: Tx,
  report: Subject,
  trigger: AssignTrigger,
  now: Date,
): Promise<AutoAssignOutcome> {
  const { autoAssign } = await deps.settings.org(tx);
  if (autoAssign === "off" || (trigger === "intake" && autoAssign !== "at_intake")) return { kind: "off" };
  if (report.assigneeId) return { kind: "kept", assigneeId: report.assigneeId };
  const { result, members } = await rank(tx, report, now);
  if (result.ok) {
    const chosen = members.find((m) => m.id === result.chosen.id)!;
    const explanation = explainChoice(result.chosen, now, true);
    await setAssignee(tx, report.id, chosen.id, now);
    await deps.team.recordAssignment(tx, chosen.id, now);
    const event = await appendAuditEvent(
      tx,
      {
        actorType: "system",
        actorId: null,
        action: "report.auto_assign",
        reportId: report.id,
        data: {
          trigger,
          assignee: { id: chosen.id, name: chosen.name, email: chosen.email },
          explanation,
          matchedTags: result.chosen.matchedTags,
          openReports: result.chosen.openCount,
          load: result.chosen.load,
          candidates: result.ranking.length,
        },
      },
      now,
    );
    await deps.alerts.queue(tx, {
      event: "report_assigned",
      reportId: report.id,
      userIds: [chosen.id],
      detail: "assigned automatically",
      occurrence: event.id,
    });
    return { kind: "assigned", assigneeId: chosen.id, explanation, eventId: event.id };
  }
  const explanation = nobodyAvailableText(result.unavailable);
  const event = await appendAuditEvent(
    tx,
    {
      actorType: "system",
      actorId: null,
      action: "report.nobody_available",
      reportId: report.id,
      data: {
        trigger,
        explanation,
        unavailable: result.unavailable.map((u) => ({
          id: u.id,
          name: u.name,
          why: u.why,
          detail: u.detail,
        })),
      },
    },
    now,
  );
  await deps.alerts.queue(tx, {
    event: "nobody_available",
    reportId: report.id,
    userIds: await listActiveAdminIds(tx),
    detail: explanation,
    occurrence: event.id,
  });
  return { kind: "nobody", explanation, eventId: event.id };
}

/** One line of the assign form's suggestions: who, in which place, and why. */
export interface AssignSuggestion {
  id: string;
  name: string;
  email: string;
  reasons: string;
}

export interface AssignSuggestions {
  /** Available members, best first; the first is who automatic assignment would pick now. */
  ranking: AssignSuggestion[];
  unavailable: UnavailableMember[];
  /** The tags the report was matched on (asset tags and what the weakness implies). */
  tags: string[];
}

/** One member in the assign picker: who may manage reports, whether they can be given one now, and why not. */
export interface AssignOption {
  id: string;
  name: string;
  email: string;
  role: string;
  /** False when the assign action would refuse them: no usable OpenPGP key. */
  assignable: boolean;
  /** Why not, in a few words ("no OpenPGP key"), from the rule the assign action refuses by. */
  notAssignableBecause: string | null;
  /** Away or outside working hours now: shown, but a person may still choose them. */
  unavailableNow: string | null;
}

/** Read-only ranking for the report page, so a person can override the automatic choice knowingly. */
export function createAssignmentService(deps: AssignmentDeps) {
  const { db, clock } = deps;
  return {
    /**
     * Tries the organisation's automatic assignment inside the caller's transaction: the choice, and why, is an
     * audit event the timeline shows, and the assignee or the admins are alerted.
     */
    assignAutomatically: (tx: Tx, report: Subject, trigger: AssignTrigger, now: Date) =>
      assignAutomatically(deps, tx, report, trigger, now),

    /** Which of these unassigned reports wait because nobody was available: the inbox shows a badge. */
    reportsWaitingForSomeone: (reportIds: readonly string[]) => reportsWaitingForSomeone(db, reportIds),

    /**
     * Everyone the assign picker lists (active responders and admins, by name), each marked assignable or not by
     * the key rule the assign action refuses by, so the picker never offers someone the action would refuse.
     */
    async picker(): Promise<AssignOption[]> {
      const now = clock();
      const members = await listAssignableMembers(db);
      return members.map(({ user, key }) => {
        const verdict = memberKeyUsability(key, now);
        const availability = availabilityNow(user, now);
        return {
          id: user.id,
          name: user.name,
          email: user.email,
          role: user.role,
          assignable: verdict.usable,
          notAssignableBecause: verdict.usable ? null : verdict.short,
          unavailableNow: availability.available ? null : availability.detail,
        };
      });
    },

    async suggest(idOrRef: string): Promise<AssignSuggestions> {
      const report = await findAssignmentSubject(db, idOrRef);
      if (!report) throw notFound("Report");
      const now = clock();
      const { result, members, subject } = await rank(db, report, now);
      return toSuggestions(result, members, subjectTags(subject), now);
    },
  };
}

function toSuggestions(
  result: AssignmentResult,
  members: readonly { id: string; email: string }[],
  tags: string[],
  now: Date,
): AssignSuggestions {
  const email = (id: string) => members.find((m) => m.id === id)?.email ?? "";
  return {
    ranking: result.ok
      ? result.ranking.map((r) => ({
          id: r.id,
          name: r.name,
          email: email(r.id),
          reasons: explainRanking(r, now),
        }))
      : [],
    unavailable: result.unavailable,
    tags,
  };
}

export type AssignmentService = ReturnType<typeof createAssignmentService>;
