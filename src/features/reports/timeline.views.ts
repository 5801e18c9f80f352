import type { ChainedEvent } from "../../domain/audit-chain.ts";
import {
  REJECTION_LABELS,
  type RejectionReason,
  type ReportState,
  STATE_LABELS,
} from "../../domain/workflow.ts";
import { describeSuggestions } from "../search/duplicates.service.ts";

type Data = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" ? v : "");

/** A sentence for the team's timeline for one audit event. */
export function describeEvent(action: string, data: Data): string {
  const text = describeOne(action, data);
  // Any state change out of the states an invited reporter may fetch in (domain/consultation.ts) ends that access.
  return Number(data?.reporterFixAccessRevoked) > 0
    ? `${text} The reporter's clone access to the fix repository ended.`
    : text;
}

function describeOne(action: string, data: Data): string {
  const to = STATE_LABELS[data.to as ReportState];
  switch (action) {
    case "report.received":
      return `Report received via ${str(data.source) || "web"}${data.attachments ? ` with ${data.attachments} attachment(s)` : ""}.`;
    case "report.acknowledge":
      return "Acknowledged; the reporter was told what happens next.";
    case "report.assign": {
      const a = data.assignee as { name?: string; email?: string } | undefined;
      return `Response Manager set to ${a?.name ?? "someone"}${a?.email ? ` <${a.email}>` : ""}.`;
    }
    // The automatic choice stores its own explanation (features/assignment), e.g. "Assigned to Bob automatically: …".
    case "report.auto_assign":
    case "report.nobody_available":
      return (
        str(data.explanation) ||
        (action === "report.auto_assign" ? "Assigned automatically." : "Nobody was available to assign.")
      );
    case "report.start_triage":
      return "Triage started.";
    case "report.set_severity": {
      const method = data.method === "cvss" ? "CVSS" : "OWASP";
      const why = data.reason ? `: ${str(data.reason)}` : "";
      // Scores of the method the organisation does not use are recorded without changing the severity.
      return data.setsReportSeverity === false
        ? `${method} score recorded as ${str(data.severity)} (${str(data.vector)}); the report's severity is unchanged, because the organisation takes severity from ${method === "CVSS" ? "OWASP" : "CVSS"}${why}.`
        : `Severity set to ${str(data.severity)} (${method} ${str(data.vector)})${why}.`;
    }
    case "report.confirm":
      return "Confirmed as a vulnerability.";
    case "report.reject":
      return `Rejected as ${REJECTION_LABELS[data.reason as RejectionReason] ?? str(data.reason)}.`;
    case "report.mark_duplicate":
      return `Marked as a duplicate of ${str(data.originalReference)}.`;
    case "report.duplicates_suggested":
      return describeSuggestions(data);
    case "report.undo_rejection": {
      const taken =
        Number(data.cancelledMails) > 0
          ? " The unsent mail to the reporter was cancelled and the message withdrawn."
          : data.withdrawnMessageId
            ? " The message was taken off the reporter's page."
            : "";
      return `Rejection as ${REJECTION_LABELS[data.reason as RejectionReason] ?? str(data.reason)} undone; back in ${to ?? "the earlier state"}. No one was mailed.${taken}`;
    }
    case "report.duplicate_unlinked":
      return `${str(data.duplicateReference)} is no longer marked as a duplicate of this report (its rejection was undone).`;
    case "report.duplicate_linked":
      return `${str(data.duplicateReference)} was marked as a duplicate of this report.`;
    case "report.start_remediation":
      return "Remediation started.";
    case "report.add_fix":
      return `Fix linked: ${str(data.url)}.`;
    case "report.create_fix_branch":
      return `Private fix repository created from ${str(data.repository)} at ${str(data.baseRef).replace(/^refs\/(heads|tags)\//, "")} (${str(data.baseSha).slice(0, 12)}): push to ${str(data.branch).replace(/^refs\/heads\//, "")} at ${str(data.cloneUrl)}${data.from !== data.to ? `; state is now ${to}` : ""}.`;
    case "report.fix_pushed": {
      const commits = Array.isArray(data.commits) ? (data.commits as { subject?: unknown }[]) : [];
      const count = commits.length + (Number(data.moreCommits) || 0);
      const subjects = commits
        .slice(-3)
        .map((c) => `“${str(c.subject)}”`)
        .join(", ");
      const branch = str(data.ref).replace(/^refs\/heads\//, "");
      return count === 0
        ? `${branch} moved to ${str(data.after).slice(0, 12)} (no new commits).`
        : `Pushed ${count} commit${count === 1 ? "" : "s"} to ${branch}${subjects ? `: ${subjects}` : ""}.`;
    }
    case "report.fix_ci_token":
      return `A read token for CI went out with the fix.pushed webhook (${str(data.ref).replace(/^refs\/heads\//, "")} at ${str(data.sha).slice(0, 12)}); it expires after an hour.`;
    case "report.verify_fix": {
      // A commit's verification is bound to its SHA: the line names it, and the branch it was the head of.
      const what = data.sha
        ? `Commit ${str(data.sha)}${data.branch ? ` (head of ${str(data.branch)})` : ""} verified internally`
        : "Fix verified internally";
      return data.from !== data.to ? `${what}; state is now ${to}.` : `${what}.`;
    }
    case "report.fix_verification_stale":
      return `The verification went stale: ${str(data.reason)} Back in ${to ?? "Remediation"} until then.`;
    case "report.release":
      return data.verification === "passed"
        ? `Released; package verification passed${data.tag ? ` for ${str(data.tag)}` : ""}.`
        : `Released with an override: ${str(data.overrideReason)}.`;
    case "verification.requested":
      return `Package verification of ${str(data.repository)} ${str(data.tag)} started.`;
    case "verification.finished":
      return data.status === "error"
        ? `Package verification of ${str(data.tag)} could not run: ${str(data.error)}`
        : `Package verification of ${str(data.tag)} ${str(data.status)}${Number(data.failed) > 0 ? ` (${data.failed} check(s) failed)` : ""}${Number(data.warnings) > 0 ? ` with ${data.warnings} warning(s)` : ""}.`;
    case "report.disclose":
      return data.advisoryUrl
        ? `Disclosed; advisory: ${str(data.advisoryUrl)}.`
        : `Disclosed without an advisory: ${str(data.noAdvisoryReason)}.`;
    case "report.close":
      return "Closed with final feedback to the reporter.";
    case "report.reopen":
      return `Reopened: ${str(data.reason)}.`;
    case "credit.changed":
      return `${data.by === "team" ? "The team changed the credit" : "The reporter changed their credit"} to: ${str(data.line)}${data.hallOfFame ? " (hall of fame)" : ""}.${data.reason ? ` Reason: ${str(data.reason)}` : ""}`;
    case "credit.confirmed":
      return `The reporter confirmed their credit: ${str(data.line)}.`;
    case "credit.thanks_granted":
      return "Granted a hall-of-fame thanks entry.";
    case "credit.thanks_accepted":
      return "The reporter accepted the hall-of-fame thanks entry.";
    case "report.feedback_given":
      return `The reporter rated the handling ${Number(data.rating)}/5.`;
    case "report.reporter_key_added":
      return `The reporter gave an OpenPGP key (${str(data.fingerprint)}).`;
    case "report.request_info":
      return "Asked the reporter for information; the SLA clock is paused until they answer.";
    case "sla.resumed":
      return data.why === "reporter_replied"
        ? "The reporter answered; the SLA clock runs again and the running deadlines moved back by the pause."
        : "No longer waiting for the reporter; the SLA clock runs again.";
    case "sla.reminder":
      return `Reminder sent: ${str(data.item)} due ${str(data.dueAt).slice(0, 16).replace("T", " ")} UTC.`;
    case "sla.breach":
      return `Deadline missed: ${str(data.item)} was due ${str(data.dueAt).slice(0, 16).replace("T", " ")} UTC; the admins were alerted.`;
    case "report.links_recovered":
      return "The reporter requested new tracking links.";
    case "message.to_reporter":
      return "Replied to the reporter.";
    case "message.internal_note":
      return "Added an internal note.";
    case "message.from_reporter":
      return "The reporter replied.";
    case "report.invite_reporter_to_fix":
      return `Invited the reporter to check the fix on ${str(data.branch).replace(/^refs\/heads\//, "")}${data.headSha ? ` at ${str(data.headSha).slice(0, 12)}` : " (no push recorded yet)"}.`;
    case "report.fix_answered":
      return data.verdict === "fixes"
        ? "The reporter checked the fix: this fixes it."
        : "The reporter checked the fix: this does not fix it. The fix needs attention.";
    case "fix_access.reporter_token_created":
      return Number(data.replaced) > 0
        ? "The reporter took new read-only clone access to the fix repository; the earlier access stopped working."
        : "The reporter took read-only clone access to the fix repository.";
    case "fix_access.reporter_token_revoked":
      return data.by === "reporter"
        ? "The reporter revoked their clone access to the fix repository."
        : "The reporter's clone access to the fix repository was revoked.";
    case "mail.bounced":
      return `Mail to ${str(data.to)} bounced (${str(data.why)}): it did not arrive, so reach them another way.`;
    // Advisory events (features/advisories) are written once per covered report, naming the advisory.
    case "advisory.created":
      return `Advisory ${str(data.publicId)} drafted: ${str(data.title)}.`;
    case "advisory.edited":
      return `Advisory ${str(data.publicId)} edited${data.from !== data.to ? `; back to draft from ${str(data.from).replace("_", " ")}` : ""}.`;
    case "advisory.revised":
      return `Advisory ${str(data.publicId)} revised (revision ${str(String(data.revision ?? ""))}): ${str(data.summary)}`;
    case "advisory.submit":
      return `Advisory ${str(data.publicId)} submitted for review.`;
    case "advisory.approve":
      return `Advisory ${str(data.publicId)} approved.`;
    case "advisory.request_changes":
      return `Changes requested to advisory ${str(data.publicId)}: ${str(data.message)}`;
    case "advisory.withdraw":
      return `Advisory ${str(data.publicId)} withdrawn: ${str(data.message)}`;
    case "advisory.shared":
      return `Advisory ${str(data.publicId)} shared with the reporter as a draft.`;
    case "advisory.commented":
      return data.by === "reporter"
        ? `The reporter commented on the draft advisory ${str(data.publicId)}.`
        : `A member replied on the draft advisory ${str(data.publicId)}.`;
    case "advisory.published":
      return `Advisory ${str(data.publicId)} published: ${str(data.url)}.`;
    default:
      // A release's change carries its own sentence (features/releases), the same on each of its reports.
      if (action.startsWith("release.") && typeof data.summary === "string") return data.summary;
      return action;
  }
}

/** Which steps a reporter sees on their tracking page, in their words; internal work stays internal. */
const REPORTER_STEPS: Record<string, (data: Data) => string> = {
  "report.received": () => "Report received",
  "report.acknowledge": () => "Acknowledged by the security team",
  "report.start_triage": () => "Being assessed",
  "report.confirm": () => "Confirmed as a vulnerability",
  "report.start_remediation": () => "Fix in progress",
  "report.create_fix_branch": (d) => (d.from !== d.to ? "Fix in progress" : ""),
  "report.verify_fix": (d) => (d.from !== d.to ? "Fix ready and verified" : ""),
  "report.fix_verification_stale": () => "The fix changed and is being verified again",
  "report.release": () => "Fix released",
  "report.disclose": () => "Publicly disclosed",
  "report.reject": (d) =>
    `Closed without a fix: ${REJECTION_LABELS[d.reason as RejectionReason] ?? "rejected"}`,
  "report.mark_duplicate": () => "Closed as a duplicate of an earlier report",
  "report.close": () => "Closed",
  "report.reopen": () => "Reopened",
  "report.request_info": () => "The security team asked you for more information",
  "report.invite_reporter_to_fix": () => "The security team invited you to check the fix",
  "report.fix_answered": (d) =>
    d.verdict === "fixes" ? "You confirmed that the fix works" : "You said the fix does not fix it",
  "sla.resumed": (d) => (d.why === "reporter_replied" ? "You answered; the team continues" : ""),
  "credit.changed": (d) =>
    d.by === "team"
      ? `The security team changed your credit to: ${str(d.line)}`
      : `Credit set to: ${str(d.line)}`,
  "credit.confirmed": (d) => `You confirmed your credit: ${str(d.line)}`,
  "credit.thanks_granted": () => "The security team offered you a hall-of-fame thanks entry",
  "credit.thanks_accepted": () => "You accepted the hall-of-fame thanks entry",
  "report.feedback_given": () => "You gave feedback. Thank you!",
  // The planned disclosure date, once a release is scheduled, and every change to it.
  "release.scheduled": (d) => `Public disclosure planned for ${utcMinute(d.publishAt)}`,
  "release.rescheduled": (d) => (d.scheduled ? `Public disclosure moved to ${utcMinute(d.publishAt)}` : ""),
  "release.cancelled": (d) =>
    d.scheduled ? "The planned disclosure date was withdrawn; a new one will follow" : "",
};

function utcMinute(v: unknown): string {
  return `${str(v).slice(0, 16).replace("T", " ")} UTC`;
}

export function reporterTimeline(events: readonly ChainedEvent[]): { at: Date; text: string }[] {
  const out: { at: Date; text: string; rejection: boolean }[] = [];
  for (const event of events) {
    // An undone rejection never reached the reporter (undo requires that), so its step leaves their page too.
    if (event.action === "report.undo_rejection") {
      const last = out.findLastIndex((s) => s.rejection);
      if (last >= 0) out.splice(last, 1);
      continue;
    }
    const step = REPORTER_STEPS[event.action];
    const text = step ? step(event.data as Data) : "";
    const rejection = event.action === "report.reject" || event.action === "report.mark_duplicate";
    if (text) out.push({ at: new Date(event.occurredAt), text, rejection });
  }
  return out.map(({ at, text }) => ({ at, text }));
}
