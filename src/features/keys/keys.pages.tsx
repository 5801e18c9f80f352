import type { Context, Hono } from "hono";
import { AppError, notFound } from "../../core/errors.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { KeysService } from "./keys.service.ts";

/** The member a key page is about, as the team service finds it by id. */
export type MemberById = (
  id: string,
) => Promise<{ id: string; name: string; email: string; role: "admin" | "responder" | "viewer" } | null>;

/** What the key pages use; the team is reached through a port, so keys needs nothing from team. */
export interface KeyPagesDeps {
  settings: SettingsService;
  keys: KeysService;
  memberById: MemberById;
}

import { readForm } from "../../http/form.ts";
import { redirectWithFormState, retypeNote, takeFormState } from "../../http/form-state.ts";
import { IntakeKeysPage, MemberKeyPage } from "./keys.views.tsx";
import { registerKeyPublication } from "./keys-public.pages.tsx";

type ParsedBody = Record<string, string | File | (string | File)[]>;

function text(body: ParsedBody, name: string): string {
  const value = body[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : "";
}

/** A refused key comes back as a form problem; any other error is a real one. */
function keyProblem(error: unknown): { message: string; errors: Record<string, string> } | null {
  if (!(error instanceof AppError) || error.status !== 400) return null;
  return { message: error.userMessage, errors: error.fields ?? {} };
}

const MEMBER_DONE: Record<string, string> = {
  uploaded: "The key was saved and published.",
  removed: "The key was removed.",
};
const INTAKE_DONE: Record<string, string> = {
  rotated: "A new intake key was generated; the old one still decrypts and is listed below.",
  imported: "The key was imported and is now the intake key.",
};
const pickDone = (map: Record<string, string>, key: string | undefined) =>
  key && Object.hasOwn(map, key) ? map[key]! : null;

/** Team members' own key page, the admin's view of anyone's key, the intake key admin page, and publication. */
export function registerKeyPages(app: Hono<AppEnv>, deps: KeyPagesDeps) {
  const renderMember = async (c: Context<AppEnv>, subjectId: string, own: boolean) => {
    const state = await takeFormState(c);
    const problem =
      state?.form === "key"
        ? { pasted: String(state.values.key ?? ""), message: state.message, errors: state.errors }
        : undefined;
    const subject = await deps.memberById(subjectId);
    if (!subject) throw notFound("Team member");
    const [org, current] = await Promise.all([deps.settings.org(), deps.keys.memberKey(subject.id)]);
    const action = own ? "/account/key" : `/admin/team/${subject.id}/key`;
    return c.html(
      <MemberKeyPage
        orgName={org.name}
        user={signedInMember(c)}
        csrfToken={c.var.csrfToken}
        subject={{ id: subject.id, name: subject.name, email: subject.email, role: subject.role }}
        own={own}
        action={action}
        current={current}
        pasted={problem?.pasted}
        errors={problem?.errors}
        message={problem?.message}
        done={problem ? null : pickDone(MEMBER_DONE, c.req.query("done"))}
      />,
    );
  };

  const upload = async (c: Context<AppEnv>, subjectId: string, own: boolean) => {
    const body = await readForm(c);
    const pasted = text(body, "key");
    try {
      await deps.keys.uploadMemberKey(signedInMember(c), subjectId, pasted);
    } catch (error) {
      const problem = keyProblem(error);
      if (!problem) throw error;
      // A public key is no secret: it is kept, so the member can fix the paste instead of starting over.
      const page = own ? "/account/key" : `/admin/team/${encodeURIComponent(subjectId)}/key`;
      return redirectWithFormState(c, `${page}#key-problem`, {
        form: "key",
        ...problem,
        values: { key: pasted },
      });
    }
    return c.redirect(`${own ? "/account/key" : `/admin/team/${subjectId}/key`}?done=uploaded`, 303);
  };

  const remove = async (c: Context<AppEnv>, subjectId: string, own: boolean) => {
    await deps.keys.removeMemberKey(signedInMember(c), subjectId);
    return c.redirect(`${own ? "/account/key" : `/admin/team/${subjectId}/key`}?done=removed`, 303);
  };

  // Every signed-in member may manage their own key; "report.read" is held by every role.
  app.get("/account/key", requirePage("report.read"), (c) => renderMember(c, signedInMember(c).id, true));
  app.post("/account/key", requirePage("report.read"), (c) => upload(c, signedInMember(c).id, true));
  app.post("/account/key/remove", requirePage("report.read"), (c) => remove(c, signedInMember(c).id, true));

  app.get("/admin/team/:id/key", requirePage("team.manage"), (c) =>
    renderMember(c, c.req.param("id"), false),
  );
  app.post("/admin/team/:id/key", requirePage("team.manage"), (c) => upload(c, c.req.param("id"), false));
  app.post("/admin/team/:id/key/remove", requirePage("team.manage"), (c) =>
    remove(c, c.req.param("id"), false),
  );

  // The intake key --------------------------------------------------------------------------------
  const renderIntake = async (c: Context<AppEnv>) => {
    const state = await takeFormState(c);
    const problem =
      state?.form === "import"
        ? { pasted: "", message: state.message + retypeNote(state), errors: state.errors }
        : undefined;
    const [org, overview] = await Promise.all([deps.settings.org(), deps.keys.intakeOverview()]);
    return c.html(
      <IntakeKeysPage
        orgName={org.name}
        user={signedInMember(c)}
        csrfToken={c.var.csrfToken}
        current={overview.current}
        previous={overview.previous}
        address={overview.address}
        importValues={problem ? { key: problem.pasted } : undefined}
        importErrors={problem?.errors}
        importMessage={problem?.message}
        done={problem ? null : pickDone(INTAKE_DONE, c.req.query("done"))}
      />,
    );
  };

  app.get("/admin/keys", requirePage("settings.manage"), (c) => renderIntake(c));

  app.post("/admin/keys/rotate", requirePage("settings.manage"), async (c) => {
    await deps.keys.rotateIntakeKey(signedInMember(c).id);
    return c.redirect("/admin/keys?done=rotated", 303);
  });

  app.post("/admin/keys/import", requirePage("settings.manage"), async (c) => {
    const body = await readForm(c);
    const pasted = text(body, "key");
    try {
      await deps.keys.importIntakeKey(signedInMember(c).id, pasted, text(body, "passphrase"));
    } catch (error) {
      const problem = keyProblem(error);
      if (!problem) throw error;
      // A private key and its passphrase are secrets: neither is kept, the admin pastes them again.
      return redirectWithFormState(c, "/admin/keys#import-problem", {
        form: "import",
        ...problem,
        values: { key: pasted, passphrase: text(body, "passphrase") },
        omit: ["key"],
      });
    }
    return c.redirect("/admin/keys?done=imported", 303);
  });

  registerKeyPublication(app, deps);
}
