import { Field } from "../../http/components/field.tsx";
import { Csrf } from "../../http/layout.tsx";

const RELEASABLE = new Set(["confirmed", "remediation", "fix_ready", "released"]);

/**
 * The report page's way to its release: a fix_ready report links to the release form, prefilled; and "Report a
 * leak" records where the issue became public (the releases feature takes the form and then offers publish_now
 * on the report's open release).
 */
export function ReleaseAndLeakSection(props: { reference: string; state: string; csrfToken: string | null }) {
  if (!RELEASABLE.has(props.state)) return null;
  return (
    <section class="card" id="release" aria-labelledby="release-heading">
      <h2 id="release-heading">Release</h2>
      {props.state === "fix_ready" ? (
        <p>
          <a href={`/releases/new?reports=${encodeURIComponent(props.reference)}`}>
            Plan a release with this report
          </a>
        </p>
      ) : null}
      <details id="leak">
        <summary>Report a leak</summary>
        <form method="post" action={`/reports/${props.reference}/leaks`} class="admin-form">
          <Csrf token={props.csrfToken} />
          <Field
            id="leak-url"
            name="url"
            label="Where it became public (URL, optional)"
            value=""
            errors={undefined}
          />
          <Field id="leak-note" name="note" label="What happened" value="" errors={undefined} required />
          <button type="submit">Record the leak</button>
        </form>
      </details>
    </section>
  );
}
