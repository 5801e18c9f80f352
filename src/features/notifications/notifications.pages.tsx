import type { Context, Hono } from "hono";
import { formProblem, pickFields, problemOf } from "../../http/admin-form.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { readForm } from "../../http/form.ts";
import { type FormState, redirectWithFormState, takeFormState } from "../../http/form-state.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { NotificationsService } from "./notifications.service.ts";
import { NotificationListsPage } from "./notifications.views.tsx";

const PAGE = "/admin/notification-lists";
const DONE: Record<string, string> = {
  created: "The list was created. Add its members with their keys below.",
  added: "The member was added; their key was checked and can be used.",
  removed: "The member was removed from the list.",
  deleted: "The list was deleted.",
};

/** /admin/notification-lists: the pre-notification lists and their members. Admins only. */
export function registerNotificationPages(
  app: Hono<AppEnv>,
  deps: { settings: SettingsService; notifications: NotificationsService },
) {
  const render = async (c: Context<AppEnv>, state: FormState | null) => {
    const [org, lists] = await Promise.all([deps.settings.org(), deps.notifications.lists()]);
    const key = c.req.query("done");
    return c.html(
      <NotificationListsPage
        orgName={org.name}
        user={signedInMember(c)}
        csrfToken={c.var.csrfToken}
        lists={lists}
        create={state?.form === "create" ? problemOf(state) : null}
        addMember={
          state?.form === "add-member" && state.target ? { ...problemOf(state), id: state.target } : null
        }
        deleteProblem={
          state?.form === "delete" && state.target ? { ...problemOf(state), id: state.target } : null
        }
        done={key && Object.hasOwn(DONE, key) ? DONE[key] : null}
      />,
    );
  };

  app.get(PAGE, requirePage("settings.manage"), async (c) => render(c, await takeFormState(c)));

  app.post(PAGE, requirePage("settings.manage"), async (c) => {
    const values = pickFields(await readForm(c), ["name", "mode"]);
    let id: string;
    try {
      id = (await deps.notifications.create(signedInMember(c).id, { ...values, members: [] })).id;
    } catch (error) {
      const problem = formProblem(error);
      if (!problem) throw error;
      return redirectWithFormState(c, `${PAGE}#create-list`, { form: "create", ...problem, values });
    }
    return c.redirect(`${PAGE}?done=created#list-${id}`, 303);
  });

  app.post(`${PAGE}/:id/members`, requirePage("settings.manage"), async (c) => {
    const id = c.req.param("id");
    const values = pickFields(await readForm(c), ["name", "email", "organization", "pgpKey"]);
    try {
      await deps.notifications.addMember(signedInMember(c).id, id, values);
    } catch (error) {
      const problem = formProblem(error);
      if (!problem) throw error;
      return redirectWithFormState(c, `${PAGE}#list-${encodeURIComponent(id)}-add`, {
        form: "add-member",
        target: id,
        ...problem,
        values,
      });
    }
    return c.redirect(`${PAGE}?done=added#list-${encodeURIComponent(id)}`, 303);
  });

  app.post(`${PAGE}/:id/members/:member/remove`, requirePage("settings.manage"), async (c) => {
    const id = c.req.param("id");
    await deps.notifications.removeMember(signedInMember(c).id, id, c.req.param("member"));
    return c.redirect(`${PAGE}?done=removed#list-${encodeURIComponent(id)}`, 303);
  });

  app.post(`${PAGE}/:id/delete`, requirePage("settings.manage"), async (c) => {
    const id = c.req.param("id");
    const { confirm } = pickFields(await readForm(c), ["confirm"]);
    if (confirm !== "yes") {
      const message = "Tick the box to confirm that the list and its members are deleted.";
      return redirectWithFormState(c, `${PAGE}#list-${encodeURIComponent(id)}`, {
        form: "delete",
        target: id,
        message,
        errors: { confirm: message },
        values: {},
      });
    }
    await deps.notifications.remove(signedInMember(c).id, id);
    return c.redirect(`${PAGE}?done=deleted`, 303);
  });
}
