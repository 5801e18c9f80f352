import type { Context, Hono } from "hono";
import { ADVISORY_STATES, type AdvisoryState } from "../../domain/advisory-review.ts";
import { formProblem, pickFields, problemOf } from "../../http/admin-form.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { FormProblem } from "../../http/components/admin-layout.tsx";
import type { AppEnv } from "../../http/env.ts";
import { readForm } from "../../http/form.ts";
import { type FormState, redirectWithFormState, takeFormState } from "../../http/form-state.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { AdvisoriesService } from "./advisories.service.ts";
import { AdvisoryEditorPage, AdvisoryListPage, NewAdvisoryPage } from "./advisories.views.tsx";
import type { AdvisoryPreview } from "./advisory-views.service.ts";
import {
  type EditorValues,
  emptyValues,
  flatValues,
  inputOf,
  valuesFromForm,
  valuesOfAdvisory,
} from "./editor.form.ts";

const PAGE = "/manage/advisories";
const DONE: Record<string, string> = {
  created: "The draft was created. Its id is fixed for life.",
  saved: "Saved.",
  revised: "The revision was published: the public advisory and its history show it.",
  submit: "Submitted for review: another member approves it.",
  approve: "Approved. The release that covers its reports publishes it.",
  request_changes: "Sent back to draft with your message.",
  withdraw: "Withdrawn; the public page says why.",
  shared: "Shared: the reporters see the draft on their tracking page.",
  commented: "Your reply was posted.",
};

/** The editor's kept state (a refused save, a preview, an added product), as the page draws it again. */
function editorState(
  state: FormState | null,
): { values: EditorValues; problem: FormProblem | null; preview: boolean } | null {
  if (state?.form !== "editor") return null;
  const values = valuesFromForm(state.values);
  const problem =
    state.message !== "" || Object.keys(state.errors).length > 0
      ? { ...problemOf(state), errors: state.errors }
      : null;
  return { values, problem, preview: state.extra?.preview === true };
}

/** The team's advisory pages: the list, a new draft, and the editor with review, sharing and comments. */
export function registerAdvisoryPages(
  app: Hono<AppEnv>,
  deps: { settings: SettingsService; advisories: AdvisoriesService },
) {
  const frame = async (c: Context<AppEnv>) => ({
    orgName: (await deps.settings.org()).name,
    user: signedInMember(c),
    csrfToken: c.var.csrfToken,
  });

  /** A typed preview, or the field errors that stop it. */
  const typedPreview = async (
    c: Context<AppEnv>,
    id: string | null,
    values: EditorValues,
  ): Promise<{ preview: AdvisoryPreview | null; problem: FormProblem | null }> => {
    const result = await deps.advisories.previewTyped(signedInMember(c), id, inputOf(values, false));
    if (result.ok) return { preview: result.preview, problem: null };
    return {
      preview: null,
      problem: { message: "Fix the fields below to see the preview.", errors: result.fields, values: {} },
    };
  };

  /** Ends an editor post that only redraws the form (Preview, Add a product): the typed text comes back. */
  const redraw = (c: Context<AppEnv>, to: string, values: EditorValues, preview: boolean) =>
    redirectWithFormState(c, to, { form: "editor", values: flatValues(values), extra: { preview } });

  app.get(PAGE, requirePage("report.read"), async (c) => {
    const wanted = c.req.query("state") ?? null;
    const state =
      wanted && (ADVISORY_STATES as readonly string[]).includes(wanted) ? (wanted as AdvisoryState) : null;
    const items = await deps.advisories.list(signedInMember(c), state);
    return c.html(<AdvisoryListPage {...(await frame(c))} items={items} state={state} />);
  });

  app.get(`${PAGE}/new`, requirePage("report.act"), async (c) => {
    const kept = editorState(await takeFormState(c));
    let values = kept?.values ?? emptyValues();
    const ref = c.req.query("report");
    if (!kept && ref) {
      const report = await deps.advisories.reportDefaults(ref);
      if (report)
        values = {
          ...values,
          reports: report.reference,
          title: report.title,
          cvss: report.cvss ?? "",
          cwe: report.weakness && /^CWE-\d+$/.test(report.weakness) ? report.weakness : "",
        };
    }
    const typed = kept?.preview ? await typedPreview(c, null, values) : { preview: null, problem: null };
    return c.html(
      <NewAdvisoryPage
        {...(await frame(c))}
        values={values}
        problem={kept?.problem ?? typed.problem}
        preview={typed.preview}
      />,
    );
  });

  app.post(PAGE, requirePage("report.act"), async (c) => {
    const body = await readForm(c);
    const values = valuesFromForm(body);
    const intent = pickFields(body, ["intent"]).intent ?? "save";
    if (intent === "add_product")
      return redraw(
        c,
        `${PAGE}/new#product-${values.affected.length + values.extraProducts + 1}`,
        { ...values, extraProducts: values.extraProducts + 1 },
        false,
      );
    if (intent === "preview") return redraw(c, `${PAGE}/new#preview`, values, true);
    try {
      const { id } = await deps.advisories.create(signedInMember(c), inputOf(values, true));
      return c.redirect(`${PAGE}/${id}?done=created`, 303);
    } catch (error) {
      const problem = formProblem(error);
      if (!problem) throw error;
      return redirectWithFormState(c, `${PAGE}/new#editor-error`, {
        form: "editor",
        ...problem,
        values: flatValues(values),
      });
    }
  });

  app.get(`${PAGE}/:id`, requirePage("report.read"), async (c) => {
    const user = signedInMember(c);
    const id = c.req.param("id");
    const advisory = await deps.advisories.get(user, id);
    const state = await takeFormState(c);
    const kept = editorState(state);
    const values = kept?.values ?? valuesOfAdvisory(advisory);
    const typed = kept?.preview
      ? await typedPreview(c, advisory.id, values)
      : { preview: null, problem: null };
    const editable = user.role !== "viewer" && advisory.state !== "withdrawn";
    const key = c.req.query("done");
    return c.html(
      <AdvisoryEditorPage
        {...(await frame(c))}
        advisory={advisory}
        values={values}
        problem={kept?.problem ?? typed.problem}
        preview={typed.preview}
        current={editable ? null : await deps.advisories.previewOf(user, advisory.id)}
        reviewProblem={state?.form === "review" ? problemOf(state) : null}
        commentProblem={state?.form === "comment" ? problemOf(state) : null}
        done={key && Object.hasOwn(DONE, key) ? (DONE[key] ?? null) : null}
      />,
    );
  });

  app.post(`${PAGE}/:id`, requirePage("report.act"), async (c) => {
    const id = c.req.param("id");
    const body = await readForm(c);
    const values = valuesFromForm(body);
    const intent = pickFields(body, ["intent"]).intent ?? "save";
    const base = `${PAGE}/${encodeURIComponent(id)}`;
    if (intent === "add_product")
      return redraw(
        c,
        `${base}#product-${values.affected.length + values.extraProducts + 1}`,
        { ...values, extraProducts: values.extraProducts + 1 },
        false,
      );
    if (intent === "preview") return redraw(c, `${base}#preview`, values, true);
    try {
      const { revision } = await deps.advisories.edit(signedInMember(c), id, inputOf(values, true));
      return c.redirect(`${base}?done=${revision ? "revised" : "saved"}`, 303);
    } catch (error) {
      const problem = formProblem(error, [400, 409]);
      if (!problem) throw error;
      return redirectWithFormState(c, `${base}#editor-error`, {
        form: "editor",
        ...problem,
        values: flatValues(values),
      });
    }
  });

  app.post(`${PAGE}/:id/actions`, requirePage("report.act"), async (c) => {
    const id = c.req.param("id");
    const values = pickFields(await readForm(c), ["action", "message"]);
    const base = `${PAGE}/${encodeURIComponent(id)}`;
    try {
      await deps.advisories.act(signedInMember(c), id, values);
    } catch (error) {
      const problem = formProblem(error, [400, 409]);
      if (!problem) throw error;
      return redirectWithFormState(c, `${base}#review-error`, { form: "review", ...problem, values });
    }
    return c.redirect(`${base}?done=${encodeURIComponent(values.action ?? "")}#review`, 303);
  });

  app.post(`${PAGE}/:id/share`, requirePage("report.act"), async (c) => {
    const id = c.req.param("id");
    await deps.advisories.share(signedInMember(c), id);
    return c.redirect(`${PAGE}/${encodeURIComponent(id)}?done=shared#reporter`, 303);
  });

  app.post(`${PAGE}/:id/comments`, requirePage("report.act"), async (c) => {
    const id = c.req.param("id");
    const values = pickFields(await readForm(c), ["body"]);
    const base = `${PAGE}/${encodeURIComponent(id)}`;
    try {
      await deps.advisories.commentAsMember(signedInMember(c), id, values);
    } catch (error) {
      const problem = formProblem(error);
      if (!problem) throw error;
      return redirectWithFormState(c, `${base}#comment`, { form: "comment", ...problem, values });
    }
    return c.redirect(`${base}?done=commented#reporter`, 303);
  });
}
