import type { Context, Hono } from "hono";
import type { Clock } from "../../core/clock.ts";
import type { Db } from "../../core/db.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import { AdminLayout } from "../../http/components/admin-layout.tsx";
import { ErrorSummary } from "../../http/components/error-summary.tsx";
import { FieldError } from "../../http/components/field.tsx";
import type { AppEnv } from "../../http/env.ts";
import { formText, isFieldError, readForm } from "../../http/form.ts";
import { redirectWithFormState, takeFormState } from "../../http/form-state.ts";
import { Csrf } from "../../http/layout.tsx";
import type { IntakeSettings } from "../settings/intake-settings.schema.ts";
import type { SettingsService } from "../settings/settings.service.ts";

/** What the intake limits page uses. */
export interface IntakeAdminDeps {
  settings: SettingsService;
  db: Db;
  clock: Clock;
}

const FIELDS: ReadonlyArray<{ name: keyof IntakeSettings; label: string; hint: string }> = [
  {
    name: "reportsPerHourPerIp",
    label: "Reports per hour per address",
    hint: "Form (with JavaScript) and API.",
  },
  {
    name: "noJsReportsPerHourPerIp",
    label: "Reports per hour per address without JavaScript",
    hint: "Browsers that did not solve the anti-spam challenge.",
  },
  { name: "repliesPerHourPerIp", label: "Reporter replies per hour per address", hint: "" },
  {
    name: "emailReportsPerHourPerSender",
    label: "New reports by email per hour per sender",
    hint: "More wait on the Mail intake page; forged senders cannot make us mail strangers at will.",
  },
  {
    name: "minStepsLength",
    label: "Minimum length of the steps to reproduce",
    hint: "In characters; 0 turns the check off.",
  },
];

async function renderIntake(deps: IntakeAdminDeps, c: Context<AppEnv>) {
  const state = await takeFormState(c);
  const kept = state?.form === "limits" ? state : null;
  const values = kept?.values as Record<string, string> | undefined;
  const errors = kept?.errors;
  const [org, current] = await Promise.all([deps.settings.org(), deps.settings.intake()]);
  const saved = c.req.query("done") === "1" && !errors;
  return c.html(
    <AdminLayout
      title="Intake limits"
      section="intake"
      failed={Boolean(errors)}
      orgName={org.name}
      user={c.var.user!}
      csrfToken={c.var.csrfToken}
    >
      <section class="card narrow">
        <h1>Intake limits</h1>
        <p>Junk and abuse defences for the public report form, the JSON intake and reporter replies.</p>
        {saved && <p role="status">The intake limits were saved.</p>}
        <ErrorSummary
          errors={errors}
          order={FIELDS.map((f) => f.name)}
          labels={Object.fromEntries(FIELDS.map((f) => [f.name, f.label]))}
        />
        <form method="post" action="/admin/intake">
          <Csrf token={c.var.csrfToken} />
          {FIELDS.map((f) => (
            <>
              <label for={f.name}>
                {f.label}
                {f.hint && <span class="hint">{f.hint}</span>}
              </label>
              <input
                type="number"
                id={f.name}
                name={f.name}
                min="0"
                value={values?.[f.name] ?? String(current[f.name])}
                aria-invalid={errors?.[f.name] ? "true" : undefined}
                aria-describedby={errors?.[f.name] ? `${f.name}-error` : undefined}
              />
              <FieldError id={f.name} errors={errors} />
            </>
          ))}
          <button type="submit">Save</button>
        </form>
      </section>
    </AdminLayout>,
  );
}

/** Lets admins tune the rate limits and the minimum report content without a restart. */
export function registerIntakeAdminPages(app: Hono<AppEnv>, deps: IntakeAdminDeps) {
  app.get("/admin/intake", requirePage("settings.manage"), (c) => renderIntake(deps, c));

  app.post("/admin/intake", requirePage("settings.manage"), async (c) => {
    const body = await readForm(c);
    const values: Record<string, string> = {};
    for (const f of FIELDS) {
      const value = formText(body, f.name);
      if (value !== undefined) values[f.name] = value;
    }
    const user = signedInMember(c);
    try {
      await deps.settings.updateIntake(user.id, values);
    } catch (error) {
      if (isFieldError(error))
        return redirectWithFormState(c, "/admin/intake", { form: "limits", errors: error.fields, values });
      throw error;
    }
    return c.redirect("/admin/intake?done=1", 303);
  });
}
