import type { CurrentUser } from "../../core/actors.ts";
import { inZone, TRACK_LABELS, TRACK_POLICY } from "../../domain/release-policy.ts";
import { Done, type FormProblem, Problem } from "../../http/components/admin-layout.tsx";
import { Err, Field } from "../../http/components/field.tsx";
import { Csrf, formatDate, Layout } from "../../http/layout.tsx";
import { ActionForm } from "./release-action-form.views.tsx";
import type { ReleaseDetail, ReleaseView } from "./release-view.service.ts";

interface Frame {
  orgName: string;
  user: CurrentUser;
  csrfToken: string | null;
  /** The member's own time zone, or null (UTC only; a `<time>` a script may localise). */
  timeZone: string | null;
}

/** An instant in UTC and in the viewer's zone when the team profile names one. */
export function When(props: { at: Date | null; zone: string | null }) {
  if (!props.at) return <span>—</span>;
  const local = props.zone && props.zone !== "UTC" ? inZone(props.at, props.zone) : null;
  return (
    <span>
      <time datetime={props.at.toISOString()}>{formatDate(props.at)}</time>
      {local ? <span class="hint"> ({local}, your time)</span> : null}
    </span>
  );
}

export function ReleasesListPage(props: Frame & { releases: readonly ReleaseView[] }) {
  return (
    <Layout
      title="Releases"
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
      active="releases"
    >
      <h1>Releases</h1>
      <p>
        <a href="/releases/new">Plan a release</a>
      </p>
      <section class="card">
        <h2>The release policy</h2>
        <ul>
          {TRACK_POLICY.map((p) => (
            <li>
              {p.severities.join(" or ")}: {TRACK_LABELS[p.track]}, {p.words}.
            </li>
          ))}
        </ul>
      </section>
      {props.releases.length === 0 ? (
        <p>No release is planned yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th>Version</th>
                <th>Track</th>
                <th>State</th>
                <th>Publication</th>
                <th>Reports</th>
              </tr>
            </thead>
            <tbody>
              {props.releases.map((r) => (
                <tr>
                  <td>
                    <a href={`/releases/${r.id}`}>{r.version}</a>
                  </td>
                  <td>{TRACK_LABELS[r.track]}</td>
                  <td>{r.state}</td>
                  <td>
                    <When at={r.publishAt} zone={props.timeZone} />
                  </td>
                  <td>{r.reports.map((p) => p.reference).join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export function NewReleasePage(
  props: Frame & {
    problem: FormProblem | null;
    values: Record<string, string>;
    lists: readonly { id: string; name: string }[];
  },
) {
  const v = props.values;
  const e = props.problem?.errors;
  return (
    <Layout
      title="Plan a release"
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
      active="releases"
    >
      <h1>Plan a release</h1>
      <form method="post" action="/releases/new" class="admin-form card">
        <Csrf token={props.csrfToken} />
        <Problem problem={props.problem} id="release-error" />
        <div class="form-grid">
          <Field
            id="release-version"
            name="version"
            label="Version"
            value={v.version ?? ""}
            errors={e}
            required
          />
          <Field
            id="release-reports"
            name="reports"
            label="Reports (references, separated by commas)"
            value={v.reports ?? ""}
            errors={e}
            required
          />
          <Field
            id="release-publish-at"
            name="publishAt"
            label="Publication time (UTC, e.g. 2026-03-28T10:00Z)"
            value={v.publishAt ?? ""}
            errors={e}
            required
          />
          <Field
            id="release-prenotify-at"
            name="prenotifyAt"
            label="Pre-notification time (UTC; empty: the policy's default)"
            value={v.prenotifyAt ?? ""}
            errors={e}
          />
          <Field
            id="release-track"
            name="track"
            label="Track (empty: the policy's; security, minor or regular)"
            value={v.track ?? ""}
            errors={e}
          />
          <Field
            id="release-track-reason"
            name="trackOverrideReason"
            label="Why another track than the policy's"
            value={v.trackOverrideReason ?? ""}
            errors={e}
          />
        </div>
        {props.lists.length > 0 ? (
          <fieldset>
            <legend>Pre-notify these lists</legend>
            {props.lists.map((l) => (
              <label class="choice">
                <input
                  type="checkbox"
                  name="notify"
                  value={l.id}
                  checked={(v.notify ?? "").split(",").includes(l.id)}
                />{" "}
                {l.name}
              </label>
            ))}
            <Err errors={e} name="notify" id="release-notify" />
          </fieldset>
        ) : null}
        <div class="actions">
          <button type="submit">Plan the release</button>
        </div>
      </form>
    </Layout>
  );
}

export function ReleasePage(
  props: Frame & { release: ReleaseDetail; problem: FormProblem | null; done: string | null },
) {
  const r = props.release;
  const open = r.state === "planned" || r.state === "scheduled";
  const a = { id: r.id, csrfToken: props.csrfToken, problem: props.problem };
  return (
    <Layout
      title={`Release ${r.version}`}
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
      active="releases"
    >
      <h1>Release {r.version}</h1>
      <Done message={props.done} />
      <dl class="facts card">
        <dt>Track</dt>
        <dd>
          {TRACK_LABELS[r.track]}
          {r.trackOverrideReason ? ` (instead of the policy's: ${r.trackOverrideReason})` : ""}
        </dd>
        <dt>State</dt>
        <dd>{r.state}</dd>
        <dt>Publication</dt>
        <dd>
          <When at={r.publishAt} zone={props.timeZone} />
        </dd>
        <dt>Pre-notification</dt>
        <dd>
          {r.prenotifyAt ? <When at={r.prenotifyAt} zone={props.timeZone} /> : "Nobody is pre-notified."}{" "}
          <a href={`/releases/${r.id}/prenotifications`}>Recipients</a>
        </dd>
        <dt>Reports</dt>
        <dd>
          {r.reports.map((p) => (
            <span>
              <a href={`/reports/${p.reference}`}>{p.reference}</a> ({p.state.replace("_", " ")}
              {p.severity ? `, ${p.severity}` : ""}){" "}
            </span>
          ))}
        </dd>
        {r.publishedAt ? (
          <>
            <dt>Published</dt>
            <dd>
              <When at={r.publishedAt} zone={props.timeZone} />
              {r.publishNowReason ? ` before its time: ${r.publishNowReason}` : ""}
            </dd>
          </>
        ) : null}
        {r.cancelReason ? (
          <>
            <dt>Cancelled</dt>
            <dd>{r.cancelReason}</dd>
          </>
        ) : null}
      </dl>
      {r.lastFailure ? (
        <p class="problem" role="alert">
          Publication failed at {formatDate(r.lastFailure.at)}: {r.lastFailure.error} It stays scheduled and
          is tried again every minute.
        </p>
      ) : null}
      <section class="card" id="checklist">
        <h2>Getting ready</h2>
        <ul class="checklist">
          {r.checklist.map((i) => (
            <li>
              <strong>{i.done ? "Done" : "Not yet"}</strong>: {i.label}. <span class="hint">{i.why}</span>
            </li>
          ))}
        </ul>
        {open ? (
          <>
            <ActionForm
              {...a}
              action="add_item"
              label="Add an item"
              fields={[{ name: "label", label: "Item" }]}
            />
            {r.items.map((item) =>
              item.done ? (
                <ActionForm
                  {...a}
                  action="untick_item"
                  label={`Untick "${item.label}"`}
                  hidden={{ item: item.id }}
                />
              ) : (
                <ActionForm
                  {...a}
                  action="tick_item"
                  label={`Tick "${item.label}"`}
                  hidden={{ item: item.id }}
                  fields={[{ name: "note", label: "Note" }]}
                />
              ),
            )}
          </>
        ) : null}
      </section>
      {open ? (
        <section class="card" id="actions">
          <h2>Actions</h2>
          {r.state === "planned" ? (
            <ActionForm
              {...a}
              action="schedule"
              label="Schedule"
              fields={[{ name: "openItemsReason", label: "Why it goes ahead with open items (if any)" }]}
            />
          ) : null}
          <ActionForm
            {...a}
            fold
            action="reschedule"
            label="Reschedule"
            fields={[
              { name: "publishAt", label: "New publication time (UTC)" },
              { name: "prenotifyAt", label: "New pre-notification time (UTC, optional)" },
            ]}
          />
          <ActionForm
            {...a}
            fold
            action="waive_consultation"
            label="Waive the reporter's consultation"
            fields={[
              { name: "report", label: "Report" },
              { name: "reason", label: "Reason" },
            ]}
          />
          <ActionForm
            {...a}
            fold
            action="waive_package_verification"
            label="Waive the package verification"
            fields={[
              { name: "report", label: "Report" },
              { name: "reason", label: "Reason" },
            ]}
          />
          <ActionForm {...a} fold action="ship" label="Ship (reports released)" />
          <ActionForm
            {...a}
            action="publish_now"
            danger
            label="Publish now (break the embargo)"
            fields={[{ name: "reason", label: "Reason" }]}
          />
          <ActionForm
            {...a}
            fold
            action="cancel"
            danger
            label="Cancel the release"
            fields={[{ name: "reason", label: "Reason" }]}
          />
        </section>
      ) : null}
      <section class="card" id="history">
        <h2>History</h2>
        <ol>
          {r.history.map((h) => (
            <li>
              <When at={h.at} zone={props.timeZone} /> · {h.actor}: {h.text}
            </li>
          ))}
        </ol>
      </section>
    </Layout>
  );
}
