import type { Context, Hono } from "hono";
import type { Child } from "hono/jsx";
import type { Clock } from "../../core/clock.ts";
import { AppError } from "../../core/errors.ts";
import { isReference } from "../../domain/ids.ts";
import {
  type OwaspRating,
  parseOwaspFactorFields,
  rateOwasp,
  scoreOwaspVector,
} from "../../domain/owasp-risk.ts";
import type { Role } from "../../domain/permissions.ts";
import { can } from "../../domain/permissions.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import { downloadResponse } from "../../http/download.ts";
import type { AppEnv } from "../../http/env.ts";
import { formFiles, formText, readForm } from "../../http/form.ts";
import { type FormState, redirectWithFormState, takeFormState } from "../../http/form-state.ts";
import type { AssignmentService } from "../assignment/assignment.service.ts";
import { duplicateOfPrefill, duplicatesPanelFor } from "../search/search.pages.tsx";
import type { SearchService } from "../search/search.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import {
  type CvssRender,
  cvssPageProps,
  handleCvssForm,
  isCvssForm,
  keptCvssRender,
  registerCvssPages,
  type SeverityDeps,
  severityDoneKey,
} from "../severity/cvss.pages.tsx";
import { OwaspPreview } from "../severity/owasp.views.tsx";
import { reportTemplateProps } from "../templates/templates.pages.tsx";
import type { TemplatesService } from "../templates/templates.service.ts";
import { actionInput, formValues } from "./action-form-input.ts";
import { registerConsultationPages } from "./consultation.pages.tsx";
import { type InboxFilters, InboxPage } from "./inbox.views.tsx";
import type { MailArrival, MailWaiting } from "./mail-facts.views.tsx";
import { registerSpamConfirmPage } from "./rejection-undo.pages.tsx";
import { ReportPage } from "./report-page.views.tsx";
import type { ActionProblem, FixBranchForm, InboxResult, MessageProblem } from "./report-parts.views.tsx";
import { registerAdoptCvss } from "./reporter-proposal.pages.tsx";
import { inboxQuerySchema } from "./reports.schema.ts";
import type { ReportsService } from "./reports.service.ts";

/** How the report and its messages arrived by mail, keyed by message id ("" is the report): mail intake's port. */
export type MailArrivals = (
  reportId: string,
) => Promise<ReadonlyMap<string, { fromAddress: string | null; details: unknown }>>;

/** What the report pages use. Team members and mail intake are reached through ports. */
export interface ReportPagesDeps {
  reports: ReportsService;
  settings: SettingsService;
  listMembers: () => Promise<ReadonlyArray<{ email: string; name: string; role: Role; active: boolean }>>;
  assignment: Pick<AssignmentService, "suggest" | "picker">;
  search: SearchService;
  templates: TemplatesService;
  mailArrivals: MailArrivals;
  /** Held replies and pending keys of a report: mail intake's port. */
  mailWaiting: (reportId: string) => Promise<MailWaiting>;
  /** Mails to the security address that could not be imported, for the admins' inbox notice. */
  mailFailureCount: () => Promise<number>;
  /** The create-fix-branch form's facts (features/fixes): the clone URL once there is one, else the repositories. */
  fixBranchForm?: (report: { id: string; reference: string }) => Promise<FixBranchForm>;
  clock: Clock;
  /** The package verification panel (features/verifications), with its refused form if this is one. */
  verificationPanel?: (
    c: Context<AppEnv>,
    report: { id: string; reference: string; state: string },
    kept: FormState | null,
  ) => Promise<Child>;
  /** The reporter's credit panel (features/credits), with its refused form if this is one. */
  creditPanel?: (c: Context<AppEnv>, report: { id: string }, kept: FormState | null) => Promise<Child>;
  /** Panels other features add (disclosure, bounty), with their refused form if this is one. */
  extraPanels?: (
    c: Context<AppEnv>,
    report: { id: string; reference: string },
    kept: FormState | null,
  ) => Promise<Child>;
}

interface ReportRenderOptions {
  done?: string | undefined;
  actionProblem?: ActionProblem;
  messageProblem?: MessageProblem;
  cvss?: CvssRender;
  verificationKept?: FormState | null;
  creditKept?: FormState | null;
  panelsKept?: FormState | null;
}

async function renderReport(
  deps: ReportPagesDeps,
  c: Context<AppEnv>,
  ref: string,
  options: ReportRenderOptions = {},
) {
  const user = signedInMember(c);
  const view = await deps.reports.teamView(ref);
  // Whoever is shown the page has read the reporter's messages on it.
  await deps.reports.markRead(user, view.id);
  const org = await deps.settings.org();
  const latest = view.severityHistory.find((s) => s.method === "owasp")?.vector;
  const scored = latest ? scoreOwaspVector(latest) : null;
  const currentRating = scored?.ok ? scored.value : null;
  let previewRating: OwaspRating | null = currentRating;
  const problem = options.actionProblem;
  if (problem?.action === "set_severity" && problem.owaspSource === "factors") {
    const typed = parseOwaspFactorFields(problem.values);
    previewRating = typed.ok ? rateOwasp(typed.value) : null;
  }
  return c.html(
    <ReportPage
      orgName={org.name}
      user={user}
      csrfToken={c.var.csrfToken}
      view={view}
      now={deps.clock()}
      canAct={can(user.role, "report.act")}
      canMessage={can(user.role, "report.message")}
      assignees={
        can(user.role, "report.act") && view.availableActions.includes("assign")
          ? await deps.assignment.picker()
          : []
      }
      assignSuggestions={
        can(user.role, "report.act") && view.availableActions.includes("assign")
          ? await deps.assignment.suggest(view.id)
          : null
      }
      fixBranch={
        view.availableActions.includes("create_fix_branch")
          ? await deps.fixBranchForm?.({ id: view.id, reference: view.reference })
          : undefined
      }
      impactUsed={org.severityImpact}
      currentRating={currentRating}
      previewRating={previewRating}
      done={options.done}
      actionProblem={problem}
      messageProblem={options.messageProblem}
      cvss={await cvssPageProps(severityDeps(deps), view, options.cvss)}
      templatePicker={await reportTemplateProps(c, deps.templates, ref)}
      duplicatesPanel={await duplicatesPanelFor(c, deps.search, view)}
      duplicateOfPrefill={problem ? null : duplicateOfPrefill(c)}
      mail={await mailFor(deps, view.id)}
      mailWaiting={await deps.mailWaiting(view.id)}
      fixPanel={await deps.reports.fixPanel(view.id, user)}
      verificationPanel={await deps.verificationPanel?.(c, view, options.verificationKept ?? null)}
      creditPanel={await deps.creditPanel?.(c, view, options.creditKept ?? null)}
      extraPanels={await deps.extraPanels?.(c, view, options.panelsKept ?? null)}
    />,
  );
}

/** What a kept form state asks the report page to show again: a refused action, message or CVSS score. */
function keptReportForms(state: FormState | null): ReportRenderOptions {
  if (!state) return {};
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(state.values)) values[k] = Array.isArray(v) ? (v[0] ?? "") : v;
  if (state.form === "message")
    return { messageProblem: { message: state.message, fields: state.errors, values } };
  if (state.form === "action") {
    const source = state.extra?.owaspSource;
    return {
      actionProblem: {
        action: values.action ?? null,
        message: state.message,
        fields: state.errors,
        values,
        owaspSource: source === "factors" || source === "vector" ? source : undefined,
      },
    };
  }
  const cvss = keptCvssRender(state);
  return cvss ? { cvss } : {};
}

/** Ends a refused action post: back to the report's actions with what was typed and why it was refused. */
function actionRefused(c: Context<AppEnv>, ref: string, problem: ActionProblem): Promise<Response> {
  return redirectWithFormState(c, `/reports/${encodeURIComponent(ref)}#actions`, {
    form: "action",
    message: problem.message,
    errors: problem.fields,
    values: problem.values,
    ...(problem.owaspSource ? { extra: { owaspSource: problem.owaspSource } } : {}),
  });
}

/** How the report and its messages came in by mail, for the facts shown next to them. */
async function mailFor(deps: ReportPagesDeps, reportId: string) {
  const rows = await deps.mailArrivals(reportId);
  return new Map(
    [...rows].map(([key, row]) => [
      key,
      { fromAddress: row.fromAddress, details: row.details as MailArrival },
    ]),
  );
}

/** The CVSS calculator's dependencies: the settings, and acting on a report through the reports service. */
function severityDeps(deps: ReportPagesDeps): SeverityDeps {
  return {
    settings: deps.settings,
    actOnReport: (actor, idOrRef, input) => deps.reports.act(actor, idOrRef, input),
  };
}

/** The team's HTML pages for reports: the inbox, one report with its actions and conversation, and downloads. */
export function registerReportPages(app: Hono<AppEnv>, deps: ReportPagesDeps) {
  registerCvssPages(app, severityDeps(deps));
  registerAdoptCvss(app, { reports: deps.reports, severity: severityDeps(deps) });
  app.get("/inbox", requirePage("report.read"), async (c) => {
    const user = signedInMember(c);
    const raw = c.req.query();
    // Every field of the schema falls back to its default instead of failing, so parsing never throws.
    const query = inboxQuerySchema.parse(raw);
    const shown = (v: string | undefined) => (v ?? "").slice(0, 64);
    const filters: InboxFilters = {
      state: shown(raw.state),
      severity: shown(raw.severity),
      assignee: shown(raw.assignee),
      q: query.q ?? "",
      sort: query.sort ?? "",
      perPage: query.perPage,
      sla: shown(raw.sla),
    };
    let result: InboxResult | null = null;
    let error: string | null = null;
    try {
      result = await deps.reports.inbox(query, user);
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 400) throw err;
      error = err.userMessage;
    }
    const [org, members] = await Promise.all([deps.settings.org(), deps.listMembers()]);
    return c.html(
      <InboxPage
        orgName={org.name}
        user={user}
        csrfToken={c.var.csrfToken}
        filters={filters}
        result={result}
        error={error}
        members={members
          .filter((m) => m.role !== "viewer")
          .map((m) => ({ email: m.email, name: m.name, active: m.active }))}
        now={deps.clock()}
        mailFailures={can(user.role, "settings.manage") ? await deps.mailFailureCount() : 0}
        markedUnread={isReference(raw.unread ?? "") ? raw.unread!.toUpperCase() : null}
      />,
      error ? 400 : 200,
    );
  });

  app.get("/reports/:ref", requirePage("report.read"), async (c) => {
    const kept = await takeFormState(c);
    return renderReport(deps, c, c.req.param("ref"), {
      done: c.req.query("done"),
      ...keptReportForms(kept),
      verificationKept: kept?.form === "verification" ? kept : null,
      creditKept: kept?.form === "team-credit" ? kept : null,
      panelsKept: /^(disclosure|bounty)-/.test(kept?.form ?? "") ? kept : null,
    });
  });

  app.post("/reports/:ref/unread", requirePage("report.read"), async (c) => {
    const { reference } = await deps.reports.markUnread(signedInMember(c), c.req.param("ref"));
    return c.redirect(`/inbox?unread=${encodeURIComponent(reference)}`, 303);
  });

  registerSpamConfirmPage(app, deps);
  registerConsultationPages(app, deps);

  app.get("/reports/:ref/attachments/:id", requirePage("report.read"), async (c) => {
    const file = await deps.reports.attachmentForTeam(c.req.param("ref"), c.req.param("id"));
    return downloadResponse(c, file);
  });

  // Read-only: the htmx preview of the OWASP factor form. The math is the server's, so it cannot drift from the
  // rating that is stored on submit. Invalid input is part of the answer (200), so htmx swaps the explanation in.
  app.get("/reports/:ref/owasp-preview", requirePage("report.read"), async (c) => {
    const query = c.req.query();
    const org = await deps.settings.org();
    let rating: OwaspRating | null = null;
    let errors: Record<string, string> | undefined;
    if (query.owasp !== undefined) {
      const scored = scoreOwaspVector(query.owasp);
      if (scored.ok) rating = scored.value;
      else errors = { owasp: scored.error };
    } else {
      const factors = parseOwaspFactorFields(query);
      if (factors.ok) rating = rateOwasp(factors.value);
      else errors = factors.errors as Record<string, string>;
    }
    return c.html(<OwaspPreview rating={rating} errors={errors} impactUsed={org.severityImpact} />);
  });

  app.post("/reports/:ref/messages", requirePage("report.message"), async (c) => {
    const ref = c.req.param("ref");
    const body = await readForm(c);
    const values = { body: formText(body, "body") ?? "", visibility: formText(body, "visibility") ?? "" };
    const files = await formFiles(body, "attachments");
    try {
      await deps.reports.postMessage(
        signedInMember(c),
        ref,
        { body: values.body, visibility: values.visibility || undefined },
        files,
      );
    } catch (error) {
      if (error instanceof AppError && error.status === 400) {
        // Files cannot travel through a redirect: the member is asked to choose them again.
        const fields = error.fields ?? {};
        const errors =
          files.length > 0 && !fields.attachments
            ? {
                ...fields,
                attachments: "Choose the files again: files are not kept when a message is refused.",
              }
            : fields;
        return redirectWithFormState(c, `/reports/${encodeURIComponent(ref)}#message-form`, {
          form: "message",
          message: error.userMessage,
          errors,
          values,
        });
      }
      throw error;
    }
    const done = values.visibility === "internal" ? "note" : "message";
    return c.redirect(`/reports/${encodeURIComponent(ref)}?done=${done}#conversation`, 303);
  });

  app.post("/reports/:ref/actions", requirePage("report.act"), async (c) => {
    const ref = c.req.param("ref");
    const values = formValues(await readForm(c));
    if (isCvssForm(values)) return handleCvssForm(severityDeps(deps), c, ref, values);
    const built = actionInput(values);
    if (!built.ok) return actionRefused(c, ref, built.problem);
    try {
      // The service decides; whatever the page offered, a refused transition comes back here and goes to the page.
      const view = await deps.reports.act(signedInMember(c), ref, built.input);
      const action =
        values.action === "set_severity"
          ? await severityDoneKey(severityDeps(deps), "owasp")
          : encodeURIComponent(values.action ?? "");
      return c.redirect(`/reports/${encodeURIComponent(view.reference)}?done=${action}#actions`, 303);
    } catch (error) {
      if (error instanceof AppError && (error.status === 400 || error.status === 409)) {
        return actionRefused(c, ref, {
          action: values.action ?? null,
          message: error.userMessage,
          fields: error.fields ?? {},
          values,
          owaspSource: built.owaspSource,
        });
      }
      throw error;
    }
  });
}
