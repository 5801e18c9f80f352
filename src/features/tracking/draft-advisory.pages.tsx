// The reporter's side of a shared draft advisory (issue 13 §3): the tracking page's "Draft advisory" section and
// the comment form's route. The advisories service decides what the link holder may see; an unknown link, or a
// draft not shared with them, gets the tracking pages' one 404.

import type { Context, Hono, MiddlewareHandler } from "hono";
import { AppError } from "../../core/errors.ts";
import type { AppEnv } from "../../http/env.ts";
import { formText, isFieldError, readForm } from "../../http/form.ts";
import { type FormState, redirectWithFormState } from "../../http/form-state.ts";
import type { AdvisoriesService } from "../advisories/advisories.service.ts";
import { DraftAdvisorySection, type DraftCommentProblem } from "../advisories/draft.views.tsx";

export type DraftAdvisories = Pick<AdvisoriesService, "reporterDrafts" | "commentAsReporter">;

const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

/** The section for the tracking page, or null when nothing is shared with this link. */
export async function draftAdvisorySection(
  advisories: DraftAdvisories | undefined,
  token: string,
  state: FormState | null,
) {
  const drafts = advisories ? await advisories.reporterDrafts(token) : [];
  if (drafts.length === 0) return null;
  const problem: DraftCommentProblem | null =
    state?.form === "advisory-comment" && state.target
      ? { advisoryId: state.target, body: String(state.values.body ?? ""), errors: state.errors }
      : null;
  return <DraftAdvisorySection token={token} drafts={drafts} problem={problem} />;
}

/** POST /r/:token/advisories/:id/comments: the reporter's comment on a draft shared with them. */
export function registerDraftAdvisoryPages(
  app: Hono<AppEnv>,
  advisories: DraftAdvisories,
  notFound: (c: Context<AppEnv>) => Promise<Response>,
  repliesLimit: MiddlewareHandler<AppEnv>,
) {
  app.post("/r/:token/advisories/:id/comments", repliesLimit, async (c) => {
    const token = c.req.param("token");
    const id = c.req.param("id");
    if (!TOKEN.test(token)) return notFound(c);
    const body = formText(await readForm(c), "body") ?? "";
    try {
      await advisories.commentAsReporter(token, id, { body });
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return notFound(c);
      const errors = isFieldError(error)
        ? error.fields
        : error instanceof AppError && error.status === 409
          ? { body: error.userMessage }
          : null;
      if (!errors) throw error;
      return redirectWithFormState(c, `/r/${token}#draft-${encodeURIComponent(id)}-form`, {
        form: "advisory-comment",
        target: id,
        errors,
        values: { body },
      });
    }
    return c.redirect(`/r/${token}?commented=1#draft-${encodeURIComponent(id)}`, 303);
  });
}
