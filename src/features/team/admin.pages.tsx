import type { Context, Hono } from "hono";
import type { Clock } from "../../core/clock.ts";
import { formProblem, pickFields, problemOf } from "../../http/admin-form.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { FormProblem } from "../../http/components/admin-layout.tsx";
import type { AppEnv } from "../../http/env.ts";
import type { AssetsService } from "../policy/assets.service.ts";
import type { RepositoriesService } from "../repositories/repositories.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { InvitesService } from "./invites.service.ts";
import type { TeamService } from "./team.service.ts";

/** What the admin pages use. Keys and the outbox are reached through ports, so team needs nothing from them. */
export interface AdminPagesDeps {
  settings: SettingsService;
  team: TeamService;
  invites: InvitesService;
  assets: AssetsService;
  /** The registered repositories an asset may name. */
  repositories: Pick<RepositoriesService, "list">;
  /** The intake key as the settings page shows it, and the save that can re-key it (the keys feature's). */
  intakeKey: {
    facts(): Promise<{ userIds: string[]; source: "generated" | "imported"; address: string }>;
    saveOrg(actorId: string, input: unknown, rekey: boolean): Promise<{ rekeyed: boolean }>;
  };
  /** Each member's OpenPGP key fingerprint, by user id. */
  memberFingerprints: () => Promise<ReadonlyMap<string, string>>;
  outbox: OutboxAdminPort;
  clock: Clock;
  smtpConfigured: boolean;
  /** PUBLIC_URL: the settings page warns when it is http, which security.txt may not use. */
  publicUrl: string;
}

import { securityTxtTransportWarning } from "../../domain/mail-delivery.ts";
import { readForm } from "../../http/form.ts";
import { type FormState, redirectWithFormState, takeFormState } from "../../http/form-state.ts";
import {
  type AvailabilityValues,
  availabilityFormErrors,
  availabilityFromForm,
} from "./availability.form.ts";
import { registerInviteAdminPages } from "./invites.pages.tsx";
import type { IssuedInviteView } from "./invites.views.tsx";
import { type OutboxAdminPort, registerOutboxAdminPages } from "./outbox.pages.tsx";
import { ScopePage } from "./scope.views.tsx";
import { SettingsPage, type SlaFormValues } from "./settings.views.tsx";
import { lastText, slaFormValues, slaInputFromForm } from "./sla.form.ts";
import { TeamPage, type TeamPageProps } from "./team.views.tsx";

const TEAM_DONE: Record<string, string> = {
  revoked: "The invite was revoked; its link no longer works.",
  updated: "The member was saved.",
  availability: "The availability was saved.",
};
const SETTINGS_DONE: Record<string, string> = {
  org: "The organisation settings were saved.",
  "org-rekeyed":
    "The organisation settings were saved, and a new intake key was made for the new name and address. The previous key is retired and still decrypts what was encrypted to it.",
  sla: "The SLA targets were saved. They apply to reports received from now on.",
};
const SCOPE_DONE: Record<string, string> = { added: "The asset was added.", updated: "The asset was saved." };
const done = (map: Record<string, string>, key: string | undefined) =>
  key && Object.hasOwn(map, key) ? map[key] : null;

const MEMBER_EDIT_FIELDS = ["name", "role", "active", "expertise", "availabilityNote", "password"] as const;
const ORG_FIELDS = [
  "name",
  "securityEmail",
  "preferredLanguages",
  "policyMarkdown",
  "safeHarborMarkdown",
  "severityImpact",
  "severitySource",
  "shareSeverityWithReporters",
  "autoAssign",
  "signSecurityTxt",
  "revealDuplicateReference",
  "cnaOrgId",
  "advisoryPrefix",
  "prenotifyHours",
] as const;
const ASSET_FIELDS = [
  "name",
  "identifier",
  "kind",
  "inScope",
  "description",
  "tags",
  "active",
  "repositoryId",
] as const;

/** Admin pages: the team, organisation and SLA settings, the scope, and the mail outbox. */
export function registerAdminPages(app: Hono<AppEnv>, deps: AdminPagesDeps) {
  const frame = async (c: Context<AppEnv>) => {
    const org = await deps.settings.org();
    return { orgName: org.name, user: signedInMember(c), csrfToken: c.var.csrfToken };
  };

  // Team ---------------------------------------------------------------------------------------
  const renderTeam = async (c: Context<AppEnv>, state: FormState | null) => {
    const extra: {
      invite?: FormProblem;
      issued?: IssuedInviteView;
      edit?: FormProblem & { id: string };
      availability?: TeamPageProps["availability"];
    } = {};
    if (state?.form === "invite") extra.invite = problemOf(state);
    if (state?.form === "issued" && state.extra) {
      const issued = state.extra as Omit<IssuedInviteView, "expiresAt"> & { expiresAt: string };
      extra.issued = { ...issued, expiresAt: new Date(issued.expiresAt) };
    }
    if (state?.form === "edit" && state.target) extra.edit = { ...problemOf(state), id: state.target };
    if (state?.form === "availability" && state.target && state.extra?.values) {
      const values = state.extra.values as AvailabilityValues;
      extra.availability = { id: state.target, message: state.message, values, errors: state.errors };
    }
    const [members, invites] = await Promise.all([deps.team.list(), deps.invites.listOpen()]);
    return c.html(
      <TeamPage
        {...(await frame(c))}
        members={members}
        now={deps.clock()}
        keyFingerprints={await deps.memberFingerprints()}
        done={extra.issued ? null : done(TEAM_DONE, c.req.query("done"))}
        invites={invites}
        invite={extra.invite ?? null}
        issued={extra.issued ?? null}
        smtpConfigured={deps.smtpConfigured}
        edit={extra.edit ?? null}
        availability={extra.availability ?? null}
      />,
    );
  };

  app.get("/admin/team", requirePage("team.manage"), async (c) => renderTeam(c, await takeFormState(c)));

  app.post("/admin/team/:id/availability", requirePage("team.manage"), async (c) => {
    const id = c.req.param("id");
    const form = availabilityFromForm(await readForm(c));
    try {
      await deps.team.updateAvailability(signedInMember(c), id, form.input);
    } catch (error) {
      const problem = formProblem(error, [400, 409]);
      if (!problem) throw error;
      return redirectWithFormState(c, `/admin/team#availability-${encodeURIComponent(id)}`, {
        form: "availability",
        target: id,
        message: problem.message,
        errors: availabilityFormErrors(problem.errors, form.rowOf),
        values: {},
        extra: { values: form.values },
      });
    }
    return c.redirect(`/admin/team?done=availability#availability-${encodeURIComponent(id)}`, 303);
  });

  registerInviteAdminPages(app, { invites: deps.invites });

  app.post("/admin/team/:id", requirePage("team.manage"), async (c) => {
    const id = c.req.param("id");
    const values = pickFields(await readForm(c), MEMBER_EDIT_FIELDS);
    // An empty password field means "keep the current one".
    const input: Record<string, string> = { ...values };
    if (!input.password) delete input.password;
    try {
      await deps.team.updateMember(signedInMember(c).id, id, input);
    } catch (error) {
      const problem = formProblem(error, [400, 409]);
      if (!problem) throw error;
      return redirectWithFormState(c, `/admin/team#member-${encodeURIComponent(id)}`, {
        form: "edit",
        target: id,
        ...problem,
        values,
      });
    }
    return c.redirect(`/admin/team?done=updated#member-${encodeURIComponent(id)}`, 303);
  });

  // Settings -----------------------------------------------------------------------------------
  const renderSettings = async (c: Context<AppEnv>, state: FormState | null) => {
    const extra: {
      org?: Record<string, string>;
      orgProblem?: FormProblem;
      sla?: SlaFormValues;
      slaProblem?: FormProblem;
    } = {};
    if (state?.form === "org") {
      extra.orgProblem = problemOf(state);
      extra.org = extra.orgProblem.values;
    }
    if (state?.form === "sla" && state.extra?.values) {
      extra.slaProblem = { message: state.message, errors: state.errors, values: {} };
      extra.sla = state.extra.values as SlaFormValues;
    }
    const [org, sla, intakeKey] = await Promise.all([
      deps.settings.org(),
      deps.settings.sla(),
      deps.intakeKey.facts(),
    ]);
    return c.html(
      <SettingsPage
        {...(await frame(c))}
        org={extra.org ?? { ...org }}
        intakeKey={intakeKey}
        orgProblem={extra.orgProblem ?? null}
        sla={extra.sla ?? slaFormValues(sla)}
        slaProblem={extra.slaProblem ?? null}
        done={done(SETTINGS_DONE, c.req.query("done"))}
        securityTxtWarning={securityTxtTransportWarning(deps.publicUrl)}
      />,
    );
  };

  app.get("/admin/settings", requirePage("settings.manage"), async (c) =>
    renderSettings(c, await takeFormState(c)),
  );

  app.post("/admin/settings", requirePage("settings.manage"), async (c) => {
    const body = await readForm(c);
    const sent = pickFields(body, ORG_FIELDS);
    // Fields the form did not send keep their saved value instead of falling back to the defaults.
    const current = await deps.settings.org();
    const input = { ...current, ...sent };
    const rekey = lastText(body, "rekeyIntake") === "true";
    let rekeyed = false;
    try {
      ({ rekeyed } = await deps.intakeKey.saveOrg(signedInMember(c).id, input, rekey));
    } catch (error) {
      const problem = formProblem(error, [400, 409]);
      if (!problem) throw error;
      const values = {
        ...Object.fromEntries(Object.entries(input).map(([k, v]) => [k, String(v)])),
        rekeyIntake: String(rekey),
      };
      return redirectWithFormState(c, "/admin/settings#org", { form: "org", ...problem, values });
    }
    return c.redirect(`/admin/settings?done=${rekeyed ? "org-rekeyed" : "org"}`, 303);
  });

  app.post("/admin/settings/sla", requirePage("settings.manage"), async (c) => {
    const { input, values } = slaInputFromForm(await readForm(c));
    try {
      await deps.settings.updateSla(signedInMember(c).id, input);
    } catch (error) {
      const problem = formProblem(error, [400, 409]);
      if (!problem) throw error;
      return redirectWithFormState(c, "/admin/settings#sla", {
        form: "sla",
        ...problem,
        values: {},
        extra: { values },
      });
    }
    return c.redirect("/admin/settings?done=sla#sla", 303);
  });

  // Scope --------------------------------------------------------------------------------------
  const renderScope = async (c: Context<AppEnv>, state: FormState | null) => {
    const add = state?.form === "add" ? problemOf(state) : null;
    const edit = state?.form === "edit" && state.target ? { ...problemOf(state), id: state.target } : null;
    const [assets, repositories] = await Promise.all([deps.assets.list(), deps.repositories.list()]);
    return c.html(
      <ScopePage
        {...(await frame(c))}
        assets={assets}
        repositories={repositories.map((r) => ({ id: r.id, name: r.name }))}
        add={add}
        edit={edit}
        done={done(SCOPE_DONE, c.req.query("done"))}
      />,
    );
  };

  app.get("/admin/scope", requirePage("settings.manage"), async (c) =>
    renderScope(c, await takeFormState(c)),
  );

  app.post("/admin/scope", requirePage("settings.manage"), async (c) => {
    const values = pickFields(await readForm(c), ASSET_FIELDS);
    try {
      await deps.assets.create(signedInMember(c).id, values);
    } catch (error) {
      const problem = formProblem(error, [400, 409]);
      if (!problem) throw error;
      return redirectWithFormState(c, "/admin/scope#add-asset", { form: "add", ...problem, values });
    }
    return c.redirect("/admin/scope?done=added", 303);
  });

  app.post("/admin/scope/:id", requirePage("settings.manage"), async (c) => {
    const id = c.req.param("id");
    const values = pickFields(await readForm(c), ASSET_FIELDS);
    try {
      await deps.assets.update(signedInMember(c).id, id, values);
    } catch (error) {
      const problem = formProblem(error, [400, 409]);
      if (!problem) throw error;
      return redirectWithFormState(c, `/admin/scope#asset-${encodeURIComponent(id)}`, {
        form: "edit",
        target: id,
        ...problem,
        values,
      });
    }
    return c.redirect(`/admin/scope?done=updated#asset-${encodeURIComponent(id)}`, 303);
  });

  // Outbox -------------------------------------------------------------------------------------
  registerOutboxAdminPages(app, { outbox: deps.outbox, smtpConfigured: () => deps.smtpConfigured, frame });
}
