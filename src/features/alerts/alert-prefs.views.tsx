import { Csrf, Layout } from "../../http/layout.tsx";
import { EventChoices, type Frame } from "./alerts.views.tsx";

export interface AlertPrefsPageProps extends Frame {
  email: boolean;
  events: readonly string[];
  role: string;
  done: boolean;
  error: string | null;
}

/** A member's own alert choices: alert mail on or off, and which events. */
export function AlertPrefsPage(props: AlertPrefsPageProps) {
  return (
    <Layout
      title={props.error ? "Error: My alerts" : "My alerts"}
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
      active="my-alerts"
    >
      <section class="card narrow">
        <h1>My alerts</h1>
        <p>
          Choose which alerts reach you by email at {props.user.email}. Alert mail carries only the report's
          reference, title and a link; the details stay on the report page.
        </p>
        {props.role === "viewer" && (
          <p class="notice">Viewers are not alerted; these choices apply if your role changes.</p>
        )}
        {props.done && (
          <p class="notice success" role="status" id="done">
            Your alert settings were saved.
          </p>
        )}
        {props.error && (
          <p class="notice error" role="alert" id="prefs-error">
            {props.error}
          </p>
        )}
        <form method="post" action="/account/alerts">
          <Csrf token={props.csrfToken} />
          <input type="hidden" name="email" value="false" />
          <label class="choice" for="prefs-email">
            <input type="checkbox" id="prefs-email" name="email" value="true" checked={props.email} /> Send me
            alert emails
          </label>
          <EventChoices prefix="prefs" chosen={props.events} />
          <div class="actions">
            <button type="submit">Save my alert settings</button>
          </div>
        </form>
      </section>
    </Layout>
  );
}
