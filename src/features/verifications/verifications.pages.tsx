import type { Context, Hono } from "hono";
import type { Child } from "hono/jsx";
import { AppError } from "../../core/errors.ts";
import { can } from "../../domain/permissions.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { formFiles, formText, readForm } from "../../http/form.ts";
import { redirectWithFormState } from "../../http/form-state.ts";
import type { FormState } from "../../http/form-state.types.ts";
import type { RepositoriesService } from "../repositories/repositories.service.ts";
import type { VerificationsService } from "./verifications.service.ts";
import { VerificationPanel } from "./verifications.views.tsx";

export interface VerificationPagesDeps {
  verifications: VerificationsService;
  repositories: Pick<RepositoriesService, "list">;
}

/** The form's fields as the service takes them: the same input as `POST /api/v1/verifications`. */
async function formInput(c: Context<AppEnv>, ref: string) {
  const body = await readForm(c);
  const values = {
    repository: formText(body, "repository") ?? "",
    tag: formText(body, "tag") ?? "",
    reports: formText(body, "reports") ?? ref,
    artifact_url: (formText(body, "artifact_url") ?? "").trim(),
  };
  const [file] = await formFiles(body, "artifact");
  const references = values.reports.split(/[\s,]+/).filter(Boolean);
  const artifact = file
    ? { filename: file.filename, content: file.data.toString("base64") }
    : values.artifact_url
      ? { url: values.artifact_url }
      : null;
  return {
    values,
    hadFile: file !== undefined,
    input: { repository: values.repository, tag: values.tag, reports: references, artifact },
  };
}

/** The report page's "Verify the release" form: a multipart post, then 303 back to the report. */
export function registerVerificationPages(app: Hono<AppEnv>, deps: VerificationPagesDeps) {
  app.post("/reports/:ref/verifications", requirePage("report.act"), async (c) => {
    const ref = c.req.param("ref");
    const { values, hadFile, input } = await formInput(c, ref);
    try {
      await deps.verifications.start(signedInMember(c), input);
    } catch (error) {
      if (error instanceof AppError && error.status === 400) {
        // The form has one field for the artifact and one for the reports: "artifact.content" is shown at "artifact".
        const fields: Record<string, string> = {};
        for (const [key, message] of Object.entries(error.fields ?? {})) {
          const field = key.split(".")[0]!;
          fields[field] ??= message;
        }
        // A file cannot travel through a redirect: the member is asked to choose it again.
        const errors =
          hadFile && !fields.artifact
            ? { ...fields, artifact: "Choose the artifact again: files are not kept when a form is refused." }
            : fields;
        return redirectWithFormState(c, `/reports/${encodeURIComponent(ref)}#verification`, {
          form: "verification",
          message: error.userMessage,
          errors,
          values,
        });
      }
      throw error;
    }
    return c.redirect(`/reports/${encodeURIComponent(ref)}?done=verification#verification`, 303);
  });
}

/** The panel for the report page's slot: the report's verifications, and the form for members who may act. */
export function verificationPanelFor(deps: VerificationPagesDeps) {
  return async (
    c: Context<AppEnv>,
    report: { id: string; reference: string },
    kept: FormState | null,
  ): Promise<Child> => {
    const user = signedInMember(c);
    const canAct = can(user.role, "report.act");
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(kept?.values ?? {})) values[k] = Array.isArray(v) ? (v[0] ?? "") : v;
    return (
      <VerificationPanel
        reference={report.reference}
        verifications={await deps.verifications.forReport(report.id)}
        repositories={canAct ? (await deps.repositories.list()).map((r) => r.name) : []}
        canAct={canAct}
        csrfToken={c.var.csrfToken}
        problem={kept ? { message: kept.message, errors: kept.errors, values } : null}
      />
    );
  };
}
