import type { Context, Hono } from "hono";
import { AppError } from "../../core/errors.ts";
import { can } from "../../domain/permissions.ts";
import { rejectionReasonOf } from "../../domain/templates.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { readForm } from "../../http/form.ts";
import { type FormState, redirectWithFormState, takeFormState } from "../../http/form-state.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import { isPickerForm, type PickerTemplate, type TemplatePrefill } from "./template-picker.views.tsx";
import type { TemplatesService } from "./templates.service.ts";
import { TemplateInvalidError } from "./templates.service.ts";
import { ResponseEditPage, ResponsesPage, type TemplateFormState } from "./templates.views.tsx";

type ParsedBody = Record<string, string | File | (string | File)[]>;

/** The last text value of a field: a checked box after its hidden "false" wins, as the browser sent them. */
function lastText(body: ParsedBody, name: string): string | undefined {
  const value = body[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const texts = list.filter((v): v is string => typeof v === "string");
  return texts[texts.length - 1];
}

/** The editor's fields exactly as typed, so a refused save gives everything back. */
function typedValues(body: ParsedBody): TemplateFormState["values"] {
  return {
    name: lastText(body, "name") ?? "",
    purpose: lastText(body, "purpose") ?? "",
    body: lastText(body, "body") ?? "",
    active: lastText(body, "active") !== "false",
  };
}

const DONE: Record<string, string> = {
  added: "The canned response was added.",
  saved: "The canned response was saved.",
  activated: "The canned response is active again and offered in the pickers.",
  deactivated: "The canned response is deactivated: it is kept, but no picker offers it.",
};
const doneMessage = (key: string | undefined) => (key && Object.hasOwn(DONE, key) ? DONE[key] : null);

/**
 * Save or preview; either way a post ends in a redirect to `page`. Preview keeps the typed text for the page,
 * which renders it against a sample report, and stores nothing else. A refused save comes back with each
 * placeholder problem next to the text and everything typed kept. Null means it was saved.
 */
async function submitTemplate(
  c: Context<AppEnv>,
  page: string,
  save: (values: TemplateFormState["values"]) => Promise<unknown>,
): Promise<Response | null> {
  const body = await readForm(c);
  const values = typedValues(body);
  const kept = { ...values, active: String(values.active) };
  if (lastText(body, "intent") === "preview")
    return redirectWithFormState(c, page, { form: "preview", values: kept });
  try {
    await save(values);
    return null;
  } catch (error) {
    if (error instanceof TemplateInvalidError) {
      const { body: _summary, ...others } = error.fields ?? {};
      const extra = { problems: error.problems };
      return redirectWithFormState(c, page, {
        form: "save",
        message: error.userMessage,
        errors: others,
        values: kept,
        extra,
      });
    }
    if (error instanceof AppError && (error.status === 400 || error.status === 409)) {
      const fields = error.fields ?? {};
      return redirectWithFormState(c, page, {
        form: "save",
        message: error.userMessage,
        errors: fields,
        values: kept,
      });
    }
    throw error;
  }
}

/**
 * The editor as a kept form state left it: a preview is rendered now (the same service call as before the
 * redirect), a refused save shows its message and problems. `failed` marks the page title as an error.
 */
async function keptTemplateForm(
  c: Context<AppEnv>,
  templates: TemplatesService,
  state: FormState | null,
): Promise<{ state: TemplateFormState; failed: boolean } | null> {
  if (state?.form !== "preview" && state?.form !== "save") return null;
  const text = (name: string) => String(state.values[name] ?? "");
  const values = {
    name: text("name"),
    purpose: text("purpose"),
    body: text("body"),
    active: text("active") !== "false",
  };
  if (state.form === "preview") {
    const preview = await templates.preview(values.body, signedInMember(c));
    return {
      state: preview.ok ? { values, preview } : { values, problems: preview.problems },
      failed: false,
    };
  }
  const problems = Array.isArray(state.extra?.problems)
    ? (state.extra.problems as TemplateFormState["problems"])
    : undefined;
  return {
    state: { values, errors: state.errors, message: state.message, ...(problems ? { problems } : {}) },
    failed: true,
  };
}

/**
 * What the report page needs for its pickers: the active templates and, when `?use=<id>&for=<form>` asked for
 * one, that template filled in for this report (or why it cannot be). Members who cannot write get none.
 */
export async function reportTemplateProps(
  c: Context<AppEnv>,
  service: TemplatesService,
  ref: string,
): Promise<{ templates: PickerTemplate[]; prefill: TemplatePrefill | null }> {
  const user = c.var.user;
  if (!user || !can(user.role, "report.message")) return { templates: [], prefill: null };
  const templates = (await service.list({ activeOnly: true })).map((t) => ({
    id: t.id,
    name: t.name,
    purpose: t.purpose,
  }));
  const use = c.req.method === "GET" ? c.req.query("use") : undefined;
  if (!use) return { templates, prefill: null };
  const requested = c.req.query("for");
  const form = isPickerForm(requested) ? requested : "message";
  const prefill: TemplatePrefill = {
    form,
    templateId: use,
    templateName: null,
    text: null,
    reason: null,
    problems: isPickerForm(requested) ? [] : ["Choose the form to fill in: that reply form does not exist."],
  };
  try {
    const { template, result } = await service.renderForReport(ref, use, user);
    prefill.templateName = template.name;
    if (result.ok) prefill.text = result.text;
    else prefill.problems = [...prefill.problems, ...result.problems.map((p) => p.message)];
    prefill.reason = rejectionReasonOf(template.purpose);
  } catch (error) {
    if (!(error instanceof AppError) || !error.userMessage.startsWith("Canned response")) throw error;
    prefill.problems = ["That canned response does not exist or is no longer active."];
  }
  if (prefill.problems.length > 0) prefill.text = null;
  return { templates, prefill };
}

/** Admin pages for canned responses, and the route the report page's pickers fetch rendered text from. */
export function registerTemplatePages(
  app: Hono<AppEnv>,
  deps: { settings: SettingsService; templates: TemplatesService },
) {
  const frame = async (c: Context<AppEnv>) => {
    const org = await deps.settings.org();
    return { orgName: org.name, user: signedInMember(c), csrfToken: c.var.csrfToken };
  };

  const renderList = async (c: Context<AppEnv>) => {
    const kept = await keptTemplateForm(c, deps.templates, await takeFormState(c));
    const templates = await deps.templates.list();
    return c.html(
      <ResponsesPage
        {...(await frame(c))}
        templates={templates}
        add={kept?.state ?? null}
        done={doneMessage(c.req.query("done"))}
        failed={kept?.failed ?? false}
      />,
    );
  };

  const renderEdit = async (c: Context<AppEnv>, id: string) => {
    const template = await deps.templates.get(id);
    const kept = await keptTemplateForm(c, deps.templates, await takeFormState(c));
    const state = kept?.state;
    return c.html(
      <ResponseEditPage
        {...(await frame(c))}
        template={template}
        state={
          state ?? {
            values: {
              name: template.name,
              purpose: template.purpose,
              body: template.body,
              active: template.active,
            },
          }
        }
        done={doneMessage(c.req.query("done"))}
        failed={kept?.failed ?? false}
      />,
    );
  };

  app.get("/admin/responses", requirePage("settings.manage"), (c) => renderList(c));

  app.post("/admin/responses", requirePage("settings.manage"), async (c) => {
    let createdId = "";
    const refused = await submitTemplate(c, "/admin/responses#add-response", async (values) => {
      createdId = (await deps.templates.create(signedInMember(c).id, values)).id;
    });
    if (refused) return refused;
    return c.redirect(`/admin/responses?done=added#template-${createdId}`, 303);
  });

  app.get("/admin/responses/:id", requirePage("settings.manage"), (c) => renderEdit(c, c.req.param("id")));

  app.post("/admin/responses/:id", requirePage("settings.manage"), async (c) => {
    const id = c.req.param("id");
    await deps.templates.get(id); // an unknown id is a 404, not a form error
    const refused = await submitTemplate(c, `/admin/responses/${encodeURIComponent(id)}`, (values) =>
      deps.templates.update(signedInMember(c).id, id, values),
    );
    if (refused) return refused;
    return c.redirect(`/admin/responses/${id}?done=saved`, 303);
  });

  app.post("/admin/responses/:id/active", requirePage("settings.manage"), async (c) => {
    const id = c.req.param("id");
    const body = await readForm(c);
    const active = lastText(body, "active");
    if (active !== "true" && active !== "false") {
      throw new AppError(
        "invalid_input",
        400,
        "Say whether the canned response should be active (true or false).",
      );
    }
    await deps.templates.setActive(signedInMember(c).id, id, active === "true");
    return c.redirect(
      `/admin/responses?done=${active === "true" ? "activated" : "deactivated"}#template-${id}`,
      303,
    );
  });

  // Read-only: the text a picker puts in a textarea with JS on. A template that cannot be filled in for this
  // report answers with its problems (200), so the page shows them instead of an empty box.
  app.get("/reports/:ref/templates/:id/render", requirePage("report.message"), async (c) => {
    const { template, result } = await deps.templates.renderForReport(
      c.req.param("ref"),
      c.req.param("id"),
      signedInMember(c),
    );
    const summary = { id: template.id, name: template.name, purpose: template.purpose };
    const reason = c.req.query("for") === "reject" ? rejectionReasonOf(template.purpose) : null;
    return result.ok
      ? c.json({ ok: true, template: summary, text: result.text, reason })
      : c.json({ ok: false, template: summary, problems: result.problems.map((p) => p.message) });
  });
}
