import type { Child } from "hono/jsx";
import type { CurrentUser } from "../../core/actors.ts";
import type { OwaspRating } from "../../domain/owasp-risk.ts";
import { levelLabel } from "../../domain/severity-labels.ts";
import type { SlaItemKey, SlaStatus } from "../../domain/sla.ts";
import { STATE_LABELS } from "../../domain/workflow.ts";
import type { AssignOption, AssignSuggestions } from "../assignment/assignment.service.ts";
import type { CvssPageProps } from "../severity/cvss.views.tsx";
import type { SeverityImpact } from "../severity/owasp.views.tsx";
import type { PickerTemplate, TemplatePrefill } from "../templates/template-picker.views.tsx";
import type { FixPanel } from "./fix-panel.service.ts";
import type { MailArrival, MailWaiting } from "./mail-facts.views.tsx";
import type { ReportsService } from "./reports.service.ts";

/** Everything the team sees about one report, exactly as the service returns it. */
export type TeamView = Awaited<ReturnType<ReportsService["teamView"]>>;
/** One page of the inbox, as the service returns it. */
export type InboxResult = Awaited<ReturnType<ReportsService["inbox"]>>;

export type Errors = Record<string, string>;
export type Values = Record<string, string>;

/** Words for a report's overall SLA standing, for the badge. */
export const SLA_STATUS_LABELS: Record<SlaStatus, string> = {
  ok: "On track",
  due_soon: "Due soon",
  overdue: "Overdue",
  met: "Met",
  paused: "Waiting for reporter",
};

/** Short names for the inbox column, so a row reads "Acknowledge overdue". */
export const SLA_SHORT_LABELS: Record<SlaItemKey, string> = {
  acknowledge: "Acknowledge",
  triage: "Triage",
  update: "Update",
  resolve: "Resolve",
};

export const CREDIT_LABELS: Record<string, string> = {
  name: "Credit by name",
  handle: "Credit by handle",
  anonymous: "Stay anonymous",
};

export const SOURCE_LABELS: Record<string, string> = { web: "Web form", api: "JSON API", email: "Email" };

export function StateBadge(props: { state: TeamView["state"] }) {
  return <span class={`badge state state-${props.state}`}>{STATE_LABELS[props.state] ?? props.state}</span>;
}

export function SeverityBadge(props: { severity: string | null }) {
  if (!props.severity) return <span class="muted">—</span>;
  return <span class={`badge sev-${props.severity}`}>{levelLabel(props.severity)}</span>;
}

export function SlaBadge(props: { status: SlaStatus }) {
  return <span class={`badge sla-${props.status}`}>{SLA_STATUS_LABELS[props.status]}</span>;
}

/** Links only to web addresses; the domain already refuses other schemes, this keeps a bad row from becoming a javascript: link. */
export function SafeLink(props: { href: string }) {
  return /^https?:\/\//i.test(props.href) ? (
    <a href={props.href} rel="noopener noreferrer" class="break">
      {props.href}
    </a>
  ) : (
    <span class="break">{props.href}</span>
  );
}

export const invalid = (errors: Errors | undefined, name: string) => (errors?.[name] ? "true" : undefined);
export const described = (errors: Errors | undefined, name: string, id: string) =>
  errors?.[name] ? `${id}-error` : undefined;

/** A refused action, shown at the top and next to its form with the values that were typed. */
export interface ActionProblem {
  action: string | null;
  message: string;
  fields: Errors;
  values: Values;
  /** For set_severity: whether the factor form or the pasted vector was sent. */
  owaspSource?: "factors" | "vector" | undefined;
}

/** A refused message, shown in the conversation with what was typed. */
export interface MessageProblem {
  message: string;
  fields: Errors;
  values: Values;
}

/** What the create-fix-branch form shows (features/fixes' branchForm). */
export interface FixBranchForm {
  cloneUrl: string | null;
  repositories: ReadonlyArray<{ id: string; name: string }>;
}

export interface ReportPageProps {
  orgName: string;
  user: CurrentUser;
  csrfToken: string | null;
  view: TeamView;
  now: Date;
  canAct: boolean;
  canMessage: boolean;
  /** Active responders and admins, each marked assignable or not by the key rule the assign action uses. */
  assignees: readonly AssignOption[];
  /** The create-fix-branch form: the report's clone URL once it has a fix repository, else the repositories. */
  fixBranch?: FixBranchForm | undefined;
  /** Who automatic assignment would pick now and why (features/assignment). */
  assignSuggestions?: AssignSuggestions | null;
  impactUsed: SeverityImpact;
  /** The report's current OWASP rating, recomputed from its latest vector. */
  currentRating: OwaspRating | null;
  /** What the OWASP form's preview shows first (typed values after an error, else the current rating). */
  previewRating: OwaspRating | null;
  done?: string | null | undefined;
  actionProblem?: ActionProblem | null | undefined;
  messageProblem?: MessageProblem | null | undefined;
  /** The "Similar reports" and duplicates panel (features/search), rendered by the page. */
  duplicatesPanel?: Child;
  /** The package verifications of the report and the form to start one (features/verifications). */
  verificationPanel?: Child;
  /** The reporter's credit (features/credits). */
  creditPanel?: Child;
  /** Panels other features add (disclosure, bounty). */
  extraPanels?: Child;
  /** A suggested original, from the panel's one-click link: fills the mark-duplicate form. */
  duplicateOfPrefill?: string | null | undefined;
  /** Canned responses for the reply forms' pickers, and the one a no-JS picker just filled in. */
  templatePicker?: { templates: readonly PickerTemplate[]; prefill: TemplatePrefill | null } | undefined;
  /** The CVSS calculator and the organisation's severity source. */
  cvss?: CvssPageProps | undefined;
  /** How mail-borne parts arrived (features/mail-intake), by message id; "" is the report itself. */
  mail?: ReadonlyMap<string, { fromAddress: string | null; details: MailArrival }> | undefined;
  /** Held replies and pending keys (features/mail-intake) a team member accepts or dismisses. */
  mailWaiting?: MailWaiting | undefined;
  /** The fix repository panel: branches, commits, verifications and diffs; null without a fix repository. */
  fixPanel?: FixPanel | null | undefined;
}
