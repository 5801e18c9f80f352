import type { Context, Hono } from "hono";
import { formProblem, pickFields, problemOf } from "../../http/admin-form.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { readForm } from "../../http/form.ts";
import { type FormState, redirectWithFormState, takeFormState } from "../../http/form-state.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { RepositoriesService } from "./repositories.service.ts";
import { RepositoriesPage } from "./repositories.views.tsx";

export interface RepositoryPagesDeps {
  settings: SettingsService;
  repositories: RepositoriesService;
  gitDir: string;
}

const DONE: Record<string, string> = {
  added: "The repository was registered. Its mirror is being fetched; reload this page to see the result.",
  fetching: "A fetch is queued and starts in a moment. Reload this page to see its result.",
  credentials: "The credentials were saved, sealed under the data key. Fetch now to try them.",
  signing_key: "The release-signing key was saved; package verification checks release tags against it.",
};
const PAGE = "/admin/repositories";
const REPOSITORY_FIELDS = ["name", "upstreamUrl", "defaultBranch", "releaseSigningKey"] as const;
const CREDENTIAL_FIELDS = ["kind", "username", "token", "privateKey"] as const;
/** Secrets a refused credentials form never keeps: the admin types them again. */
const SECRET_FIELDS = ["token", "privateKey"];

/** /admin/repositories: registering repositories, their credentials, and fetching their mirrors. Admins only. */
export function registerRepositoryPages(app: Hono<AppEnv>, deps: RepositoryPagesDeps) {
  const render = async (c: Context<AppEnv>, state: FormState | null) => {
    const [org, repositories] = await Promise.all([deps.settings.org(), deps.repositories.list()]);
    const key = c.req.query("done");
    return c.html(
      <RepositoriesPage
        orgName={org.name}
        user={signedInMember(c)}
        csrfToken={c.var.csrfToken}
        repositories={repositories}
        gitDir={deps.gitDir}
        add={state?.form === "add" ? problemOf(state) : null}
        credentials={
          state?.form === "credentials" && state.target ? { ...problemOf(state), id: state.target } : null
        }
        signingKey={
          state?.form === "signing-key" && state.target ? { ...problemOf(state), id: state.target } : null
        }
        done={key && Object.hasOwn(DONE, key) ? DONE[key] : null}
      />,
    );
  };

  app.get(PAGE, requirePage("settings.manage"), async (c) => render(c, await takeFormState(c)));

  app.post(PAGE, requirePage("settings.manage"), async (c) => {
    const values = pickFields(await readForm(c), REPOSITORY_FIELDS);
    try {
      await deps.repositories.register(signedInMember(c).id, values);
    } catch (error) {
      const problem = formProblem(error);
      if (!problem) throw error;
      return redirectWithFormState(c, `${PAGE}#add-repository`, { form: "add", ...problem, values });
    }
    return c.redirect(`${PAGE}?done=added`, 303);
  });

  app.post(`${PAGE}/:id/fetch`, requirePage("settings.manage"), async (c) => {
    const id = c.req.param("id");
    await deps.repositories.requestFetch(signedInMember(c).id, id);
    return c.redirect(`${PAGE}?done=fetching#repo-${encodeURIComponent(id)}`, 303);
  });

  app.post(`${PAGE}/:id/signing-key`, requirePage("settings.manage"), async (c) => {
    const id = c.req.param("id");
    const values = pickFields(await readForm(c), ["releaseSigningKey"] as const);
    const anchor = `${PAGE}#repo-${encodeURIComponent(id)}-signing-key`;
    try {
      await deps.repositories.setReleaseSigningKey(signedInMember(c).id, id, values.releaseSigningKey ?? "");
    } catch (error) {
      const problem = formProblem(error);
      if (!problem) throw error;
      return redirectWithFormState(c, anchor, { form: "signing-key", target: id, ...problem, values });
    }
    return c.redirect(`${PAGE}?done=signing_key#repo-${encodeURIComponent(id)}-signing-key`, 303);
  });

  app.post(`${PAGE}/:id/credentials`, requirePage("settings.manage"), async (c) => {
    const id = c.req.param("id");
    const values = pickFields(await readForm(c), CREDENTIAL_FIELDS);
    const anchor = `${PAGE}#repo-${encodeURIComponent(id)}-credentials`;
    try {
      await deps.repositories.setCredentials(signedInMember(c).id, id, values);
    } catch (error) {
      const problem = formProblem(error);
      if (!problem) throw error;
      return redirectWithFormState(c, anchor, {
        form: "credentials",
        target: id,
        ...problem,
        values,
        omit: SECRET_FIELDS,
      });
    }
    return c.redirect(`${PAGE}?done=credentials#repo-${encodeURIComponent(id)}-credentials`, 303);
  });
}
