import type { Context, Hono } from "hono";
import { formProblem, pickFields, problemOf } from "../../http/admin-form.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { readForm } from "../../http/form.ts";
import { redirectWithFormState, takeFormState } from "../../http/form-state.ts";
import type { NotificationsService } from "../notifications/notifications.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { TeamService } from "../team/team.service.ts";
import type { ReleasesService } from "./releases.service.ts";
import { NewReleasePage, ReleasePage, ReleasesListPage } from "./releases.views.tsx";

const ACTION_FIELDS = [
  "action",
  "openItemsReason",
  "publishAt",
  "prenotifyAt",
  "reason",
  "report",
  "label",
  "item",
  "note",
];
const DONE: Record<string, string> = {
  created: "The release is planned. Work through the checklist, then schedule it.",
  changed: "Saved.",
  leak: "The leak is recorded and the team alerted. Publish the release now if the embargo no longer holds.",
};

/** /releases, /releases/new and /releases/:id: plan, check, schedule and publish releases without JavaScript. */
export function registerReleasePages(
  app: Hono<AppEnv>,
  deps: {
    settings: SettingsService;
    team: Pick<TeamService, "byId">;
    notifications: Pick<NotificationsService, "lists">;
    releases: ReleasesService;
  },
) {
  const frame = async (c: Context<AppEnv>) => {
    const user = signedInMember(c);
    const [org, member] = await Promise.all([deps.settings.org(), deps.team.byId(user.id)]);
    return { orgName: org.name, user, csrfToken: c.var.csrfToken, timeZone: member?.timeZone ?? null };
  };

  app.get("/releases", requirePage("report.read"), async (c) =>
    c.html(<ReleasesListPage {...(await frame(c))} releases={await deps.releases.list()} />),
  );

  app.get("/releases/new", requirePage("report.act"), async (c) => {
    const state = await takeFormState(c);
    const lists = (await deps.notifications.lists()).map((l) => ({ id: l.id, name: l.name }));
    const values: Record<string, string> = (state?.values as Record<string, string> | undefined) ?? {
      reports: c.req.query("reports") ?? "",
    };
    return c.html(
      <NewReleasePage
        {...(await frame(c))}
        problem={state ? problemOf(state) : null}
        values={values}
        lists={lists}
      />,
    );
  });

  app.post("/releases/new", requirePage("report.act"), async (c) => {
    const body = await readForm(c);
    const values = pickFields(body, [
      "version",
      "reports",
      "publishAt",
      "prenotifyAt",
      "track",
      "trackOverrideReason",
    ]);
    const notify = ([] as unknown[])
      .concat(body.notify ?? [])
      .filter((v): v is string => typeof v === "string");
    let id: string;
    try {
      const release = await deps.releases.create(signedInMember(c), {
        ...values,
        reports: values.reports
          ? values.reports
              .split(/[\s,]+/)
              .map((s) => s.trim())
              .filter(Boolean)
          : [],
        notify,
      });
      id = release.id;
    } catch (error) {
      const problem = formProblem(error);
      if (!problem) throw error;
      return redirectWithFormState(c, "/releases/new", {
        form: "new-release",
        ...problem,
        values: { ...values, notify: notify.join(",") },
      });
    }
    return c.redirect(`/releases/${id}?done=created`, 303);
  });

  app.get("/releases/:id", requirePage("report.read"), async (c) => {
    const state = await takeFormState(c);
    const release = await deps.releases.get(c.req.param("id"));
    const key = c.req.query("done");
    return c.html(
      <ReleasePage
        {...(await frame(c))}
        release={release}
        problem={state ? problemOf(state) : null}
        done={key && Object.hasOwn(DONE, key) ? (DONE[key] ?? null) : null}
      />,
    );
  });

  // "Report a leak" on the report page: recorded, then the open release's page with publish_now, if there is one.
  app.post("/reports/:ref/leaks", requirePage("report.act"), async (c) => {
    const ref = c.req.param("ref");
    const values = pickFields(await readForm(c), ["url", "note"]);
    try {
      const leak = await deps.releases.recordLeak(signedInMember(c), ref, values);
      return c.redirect(
        leak.release
          ? `/releases/${leak.release.id}?done=leak#action-publish_now`
          : `/reports/${encodeURIComponent(ref)}#timeline`,
        303,
      );
    } catch (error) {
      const problem = formProblem(error);
      if (!problem) throw error;
      return redirectWithFormState(c, `/reports/${encodeURIComponent(ref)}#leak`, {
        form: "leak",
        ...problem,
        values,
      });
    }
  });

  app.post("/releases/:id/actions", requirePage("report.act"), async (c) => {
    const id = c.req.param("id");
    const values = pickFields(await readForm(c), ACTION_FIELDS);
    const input = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ""));
    try {
      await deps.releases.act(signedInMember(c), id, input);
    } catch (error) {
      const problem = formProblem(error);
      if (!problem) throw error;
      return redirectWithFormState(c, `/releases/${encodeURIComponent(id)}#action-${values.action ?? ""}`, {
        form: "release-action",
        ...problem,
        values,
      });
    }
    return c.redirect(`/releases/${encodeURIComponent(id)}?done=changed`, 303);
  });
}
