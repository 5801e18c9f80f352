import { can } from "../../domain/permissions.ts";
import { ACTION_LABELS, type ReportAction } from "../../domain/workflow.ts";
import { Err } from "../../http/components/field.tsx";
import { Csrf } from "../../http/layout.tsx";
import { AssigneePicker, AssignSuggestionsList } from "../assignment/assignment.views.tsx";
import { CvssCalculator, SourceNote } from "../severity/cvss.views.tsx";
import { factorValuesOf, OwaspForms } from "../severity/owasp.views.tsx";
import { ActionForm, actionKit, Folded } from "./action-form.views.tsx";
import { ClosingActions } from "./report-closing-actions.views.tsx";
import { described, invalid, type ReportPageProps } from "./report-parts.views.tsx";

const HINTS: Partial<Record<ReportAction, string>> = {
  start_triage: "The Response Manager now assesses the report.",
  confirm: "Confirms the vulnerability; needs a severity.",
  start_remediation: "Work on the fix starts.",
};

/** The action forms the report's state allows, in the order a report moves through them. */
export function Actions(props: ReportPageProps) {
  const kit = actionKit(props);
  const { view, problem, available, ref, csrf, mine, fields, values, picker, filled } = kit;
  const simple = (["start_triage", "confirm", "start_remediation"] as const).filter((a) => available.has(a));

  return (
    <section class="card" id="actions" aria-labelledby="actions-heading">
      <h2 id="actions-heading">Actions</h2>
      {available.size === 0 && <p class="muted">No actions are possible in this state.</p>}

      {simple.length > 0 && (
        <div class="action-buttons">
          {simple.map((action) => (
            <ActionForm
              reference={ref}
              csrfToken={csrf}
              action={action}
              problem={problem}
              submit={ACTION_LABELS[action]}
            >
              {HINTS[action] && <span class="hint">{HINTS[action]}</span>}
            </ActionForm>
          ))}
        </div>
      )}

      {available.has("acknowledge") && (
        <Folded action="acknowledge" problem={problem} open>
          {picker("acknowledge")}
          <ActionForm
            reference={ref}
            csrfToken={csrf}
            action="acknowledge"
            problem={problem}
            submit="Acknowledge"
          >
            <label for="acknowledge-message">
              Message to the reporter
              <span class="hint">
                Leave empty to send the standard acknowledgement: thanks, what happens next and the dates we
                aim for.
              </span>
            </label>
            <textarea
              id="acknowledge-message"
              name="message"
              rows={4}
              placeholder="Thank you for your report. We have received it and will assess it within five business days…"
              aria-invalid={invalid(fields("acknowledge"), "message")}
              aria-describedby={described(fields("acknowledge"), "message", "acknowledge-message")}
            >
              {values("acknowledge").message ?? filled("acknowledge") ?? ""}
            </textarea>
            <Err errors={fields("acknowledge")} name="message" id="acknowledge-message" />
          </ActionForm>
        </Folded>
      )}

      {available.has("assign") && (
        <ActionForm
          reference={ref}
          csrfToken={csrf}
          action="assign"
          problem={problem}
          submit={view.assignee ? "Change Response Manager" : "Assign"}
          variant="secondary"
        >
          <label for="assign-assignee">Response Manager</label>
          <AssigneePicker
            options={props.assignees}
            chosen={values("assign").assignee ?? view.assignee ?? ""}
            viewer={{ id: props.user.id, canManageTeam: can(props.user.role, "team.manage") }}
            invalid={invalid(fields("assign"), "assignee")}
            describedBy={described(fields("assign"), "assignee", "assign-assignee")}
          />
          <Err errors={fields("assign")} name="assignee" id="assign-assignee" />
          <AssignSuggestionsList suggestions={props.assignSuggestions} />
        </ActionForm>
      )}

      {available.has("set_severity") && (
        <Folded
          action="set_severity"
          problem={problem}
          summary={view.severity ? "Change severity (OWASP Risk Rating)" : "Set severity (OWASP Risk Rating)"}
          open={
            props.cvss?.source !== "cvss" &&
            !view.severity &&
            (view.state === "triage" || view.state === "acknowledged")
          }
        >
          {props.cvss?.source === "cvss" && <SourceNote source="cvss" method="owasp" />}
          <OwaspForms
            reference={ref}
            csrfToken={csrf}
            values={
              mine("set_severity")?.owaspSource === "factors"
                ? values("set_severity")
                : factorValuesOf(view.severityHistory.find((s) => s.method === "owasp")?.vector)
            }
            reason={values("set_severity").reason}
            vector={mine("set_severity")?.owaspSource === "vector" ? values("set_severity").owasp : undefined}
            errors={fields("set_severity")}
            errorSource={mine("set_severity")?.owaspSource}
            preview={props.previewRating}
            impactUsed={props.impactUsed}
          />
          {mine("set_severity") && (
            <p class="field-error action-error" id="action-set_severity-error" role="alert">
              {problem?.message}
            </p>
          )}
        </Folded>
      )}
      {available.has("set_severity") && props.cvss && (
        <CvssCalculator
          reference={ref}
          csrfToken={csrf}
          state={props.cvss.form}
          source={props.cvss.source}
          showErrors={props.cvss.showErrors}
          message={props.cvss.message}
          open={
            props.cvss.open ||
            (props.cvss.source === "cvss" &&
              !view.severity &&
              (view.state === "triage" || view.state === "acknowledged"))
          }
          hasSeverity={view.severity !== null}
        />
      )}

      {available.has("add_fix") && (
        <ActionForm
          reference={ref}
          csrfToken={csrf}
          action="add_fix"
          problem={problem}
          submit="Add fix link"
          variant="secondary"
        >
          <label for="add_fix-url">
            Fix link
            <span class="hint">The commit, pull request or patch on the private branch (https://…).</span>
          </label>
          <input
            type="url"
            id="add_fix-url"
            name="url"
            value={values("add_fix").url ?? ""}
            aria-invalid={invalid(fields("add_fix"), "url")}
            aria-describedby={described(fields("add_fix"), "url", "add_fix-url")}
          />
          <Err errors={fields("add_fix")} name="url" id="add_fix-url" />
        </ActionForm>
      )}

      {available.has("create_fix_branch") && (
        <ActionForm
          reference={ref}
          csrfToken={csrf}
          action="create_fix_branch"
          problem={problem}
          submit="Create fix branch"
          variant="secondary"
        >
          <p class="hint">
            A private repository for this report, served by Embargo over git; the team pushes the fix to its
            fix/{ref} branch. In Confirmed this also starts remediation.
          </p>
          <label for="create_fix_branch-repository">Repository</label>
          <select
            id="create_fix_branch-repository"
            name="repository"
            aria-invalid={invalid(fields("create_fix_branch"), "repository")}
            aria-describedby={described(
              fields("create_fix_branch"),
              "repository",
              "create_fix_branch-repository",
            )}
          >
            <option value="">The repository the report's asset names</option>
            {(props.fixBranch?.repositories ?? []).map((r) => (
              <option value={r.id} selected={values("create_fix_branch").repository === r.id}>
                {r.name}
              </option>
            ))}
          </select>
          <Err errors={fields("create_fix_branch")} name="repository" id="create_fix_branch-repository" />
          <label for="create_fix_branch-base">
            Base
            <span class="hint">A branch, a tag or a full commit SHA; empty: the default branch.</span>
          </label>
          <input
            type="text"
            id="create_fix_branch-base"
            name="base"
            value={values("create_fix_branch").base ?? ""}
            aria-invalid={invalid(fields("create_fix_branch"), "base")}
            aria-describedby={described(fields("create_fix_branch"), "base", "create_fix_branch-base")}
          />
          <Err errors={fields("create_fix_branch")} name="base" id="create_fix_branch-base" />
        </ActionForm>
      )}

      {available.has("verify_fix") && (
        <div class="verify" id="verify-fixes">
          <h3>Verify a fix</h3>
          <p class="hint">
            Four eyes: the fix's author cannot verify it; another team member must. A verified fix makes the
            report “Fix ready”.
          </p>
          {view.fixes.some((fix) => fix.kind === "commit") && (
            <p class="small">
              Pushed commits are verified at their branch's head, in the{" "}
              <a href="#fix-repository">fix repository</a> panel.
            </p>
          )}
          <ul class="plain-list">
            {view.fixes
              .filter((fix) => fix.kind !== "commit")
              .map((fix) => {
                const authored = fix.author?.id === props.user.id;
                const verified = fix.verifications.some((v) => v.verifier?.id === props.user.id);
                return (
                  <li>
                    <span class="mono small break">{fix.url ?? fix.sha}</span>{" "}
                    {authored ? (
                      <span class="muted small">You added this fix, so someone else must verify it.</span>
                    ) : verified ? (
                      <span class="muted small">You verified this fix.</span>
                    ) : (
                      <form method="post" action={`/reports/${ref}/actions`} class="inline">
                        <Csrf token={csrf} />
                        <input type="hidden" name="action" value="verify_fix" />
                        <input type="hidden" name="fix" value={fix.id} />
                        <button type="submit" class="secondary">
                          Verify this fix
                        </button>
                      </form>
                    )}
                  </li>
                );
              })}
          </ul>
          {mine("verify_fix") && (
            <p class="field-error action-error" id="action-verify_fix-error" role="alert">
              {problem?.message}
            </p>
          )}
        </div>
      )}
      <ClosingActions kit={kit} duplicateOfPrefill={props.duplicateOfPrefill} />
    </section>
  );
}
