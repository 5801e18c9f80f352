import type { Context, Hono } from "hono";
import type { Child } from "hono/jsx";
import type { Db } from "../../core/db.ts";
import { AppError } from "../../core/errors.ts";
import type { LinkRecovery } from "../../http/components/lost-link-help.tsx";
import { downloadResponse } from "../../http/download.ts";
import type { AppEnv } from "../../http/env.ts";
import { formFiles, formText, isFieldError, readForm } from "../../http/form.ts";
import { type FormState, redirectWithFormState, takeFormState } from "../../http/form-state.ts";
import type { RateLimits } from "../../http/rate-limit.ts";
import type { ReportsService } from "../reports/reports.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import { fixAnswerDraft, registerFixConsultationPages } from "./consultation.pages.tsx";
import {
  type DraftAdvisories,
  draftAdvisorySection,
  registerDraftAdvisoryPages,
} from "./draft-advisory.pages.tsx";
import { LinkNotFoundPage, RecoverPage, RecoverSentPage, ReporterPage } from "./tracking.views.tsx";

/** What the reporter's pages use. */
export interface TrackingPagesDeps {
  reports: ReportsService;
  settings: SettingsService;
  db: Db;
  limits: RateLimits;
  /** Whether mail leaves through SMTP: lost-link recovery works only then. */
  smtpConfigured: boolean;
  /** The address the policy page shows for this configured one, or "" (domain/mail-delivery.ts). */
  reportingAddress: (securityEmail: string) => string;
  /** Draft advisories shared with the reporter (features/advisories); without it the page shows none. */
  advisories?: DraftAdvisories;
  /** Sections other features add to the page (credit, …), given the page's kept form state to show refusals. */
  reporterSections?: (c: Context<AppEnv>, token: string, kept: FormState | null) => Promise<Child>;
}

/** The organisation's name and what this deployment offers a reporter who lost a link. */
async function orgAndRecovery(deps: TrackingPagesDeps): Promise<{ orgName: string; recovery: LinkRecovery }> {
  const org = await deps.settings.org();
  return {
    orgName: org.name,
    recovery: { mailSent: deps.smtpConfigured, reportingAddress: deps.reportingAddress(org.securityEmail) },
  };
}

/** Tracking tokens are 128-bit base64url strings; anything else cannot be a link we issued. */
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

/** The same 404 for a malformed token, an unknown token and a foreign attachment. */
async function linkNotFound(deps: TrackingPagesDeps, c: Context<AppEnv>) {
  return c.html(<LinkNotFoundPage {...(await orgAndRecovery(deps))} />, 404);
}

/** The tracking pages' one 404, for other features' forms under /r/<token>. */
export function trackingLinkNotFound(deps: TrackingPagesDeps) {
  return (c: Context<AppEnv>) => linkNotFound(deps, c);
}

async function renderReporterPage(deps: TrackingPagesDeps, c: Context<AppEnv>, token: string) {
  const state = await takeFormState(c);
  const reply = state?.form === "reply" ? String(state.values.body ?? "") : undefined;
  const errors = state?.form === "reply" ? state.errors : undefined;
  const { reports, settings } = deps;
  const [view, org, fix] = await Promise.all([
    reports.reporterView(token),
    settings.org(),
    reports.reporterConsultation(token),
  ]);
  if (!view) return linkNotFound(deps, c);
  const draftAdvisories = await draftAdvisorySection(deps.advisories, token, state);
  const sections = await deps.reporterSections?.(c, token, state);
  return c.html(
    <ReporterPage
      orgName={org.name}
      token={token}
      view={view}
      reply={reply ?? ""}
      errors={errors ?? {}}
      fix={fix}
      fixDraft={fixAnswerDraft(state)}
      fixAccessRevoked={c.req.query("revoked") === "1"}
      draftAdvisories={draftAdvisories}
      sections={sections}
    />,
  );
}

/** The reporter's side: the capability-link page, replies, attachment downloads and lost-link recovery. */
export function registerTrackingPages(app: Hono<AppEnv>, deps: TrackingPagesDeps) {
  /** Replies from reporters: per address, so one leaked link cannot be used to flood the team. */
  const repliesLimit = deps.limits.rateLimit({
    bucket: "replies",
    limit: async () => (await deps.settings.intake()).repliesPerHourPerIp,
    windowSeconds: 3600,
    key: deps.limits.clientIp,
  });

  /** Recovery mails reporters; its own bucket with the report budget keeps it from becoming a mail cannon. */
  const recoverLimit = deps.limits.rateLimit({
    bucket: "recover",
    limit: async () => (await deps.settings.intake()).reportsPerHourPerIp,
    windowSeconds: 3600,
    key: deps.limits.clientIp,
  });

  // Capability URLs: never indexed, never cached (the page is the secret's only gate).
  app.use("/r/*", async (c, next) => {
    await next();
    c.header("X-Robots-Tag", "noindex, nofollow");
    c.header("Cache-Control", "no-store");
  });

  app.get("/r/recover", async (c) => {
    const page = await orgAndRecovery(deps);
    const state = await takeFormState(c);
    if (state?.form !== "recover") return c.html(<RecoverPage {...page} />);
    return c.html(<RecoverPage {...page} email={String(state.values.email ?? "")} errors={state.errors} />);
  });

  app.post("/r/recover", recoverLimit, async (c) => {
    const body = await readForm(c);
    const email = formText(body, "email") ?? "";
    // No new link could reach the reporter: queue nothing and say so.
    if (!deps.smtpConfigured) return c.redirect("/r/recover", 303);
    try {
      await deps.reports.recoverLinks(email);
    } catch (error) {
      if (isFieldError(error))
        return redirectWithFormState(c, "/r/recover#error-summary", {
          form: "recover",
          errors: error.fields,
          values: { email },
        });
      throw error;
    }
    return c.redirect("/r/recover/sent", 303);
  });

  // The same page whatever the address: it never says whether we know it.
  app.get("/r/recover/sent", async (c) => {
    const org = await deps.settings.org();
    return c.html(<RecoverSentPage orgName={org.name} />);
  });

  app.get("/r/:token", async (c) => {
    const token = c.req.param("token");
    if (!TOKEN.test(token)) return linkNotFound(deps, c);
    return renderReporterPage(deps, c, token);
  });

  app.post("/r/:token/messages", repliesLimit, async (c) => {
    const token = c.req.param("token");
    if (!TOKEN.test(token)) return linkNotFound(deps, c);
    const body = await readForm(c);
    const text = formText(body, "body") ?? "";
    const files = await formFiles(body, "attachments");
    try {
      await deps.reports.replyAsReporter(token, { body: text }, files);
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return linkNotFound(deps, c);
      if (isFieldError(error)) {
        // Files cannot travel through a redirect: the reporter is asked to choose them again.
        const errors =
          files.length > 0 && !error.fields.attachments
            ? {
                ...error.fields,
                attachments: "Choose your files again: files are not kept when a message is refused.",
              }
            : error.fields;
        return redirectWithFormState(c, `/r/${token}#error-summary`, {
          form: "reply",
          errors,
          values: { body: text },
        });
      }
      throw error;
    }
    return c.redirect(`/r/${token}#messages`, 303);
  });

  registerFixConsultationPages(app, deps, (c) => linkNotFound(deps, c), repliesLimit);
  if (deps.advisories)
    registerDraftAdvisoryPages(app, deps.advisories, (c) => linkNotFound(deps, c), repliesLimit);

  app.get("/r/:token/attachments/:id", async (c) => {
    const token = c.req.param("token");
    if (!TOKEN.test(token)) return linkNotFound(deps, c);
    let file: Awaited<ReturnType<ReportsService["attachmentForReporter"]>>;
    try {
      file = await deps.reports.attachmentForReporter(token, c.req.param("id"));
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return linkNotFound(deps, c);
      throw error;
    }
    return downloadResponse(c, file);
  });
}
