import { REJECTION_LABELS, REJECTION_REASONS } from "../../domain/workflow.ts";
import { Err } from "../../http/components/field.tsx";
import { prefilledReason } from "../templates/template-picker.views.tsx";
import { ActionForm, type ActionKit, Folded } from "./action-form.views.tsx";
import { RequestInfoForm } from "./needs-info.views.tsx";
import { SpamButton, UndoRejectionPanel } from "./rejection-undo.views.tsx";
import { described, invalid } from "./report-parts.views.tsx";

/** The actions that end or rewind a report: release, disclosure, closing, questions, reopening and rejection. */
export function ClosingActions(props: { kit: ActionKit; duplicateOfPrefill?: string | null | undefined }) {
  const { view, problem, available, ref, csrf, mine, fields, values, tp, picker, picked, filled } = props.kit;
  return (
    <>
      <UndoRejectionPanel view={view} csrfToken={csrf} problem={problem} />

      {available.has("release") && (
        <Folded action="release" problem={problem} open={view.state === "fix_ready"}>
          <ActionForm
            reference={ref}
            csrfToken={csrf}
            action="release"
            problem={problem}
            submit="Record the release"
          >
            <p class="hint" id="release-evidence">
              A release needs a passed package verification of the release tag that covers this report (see
              “Package verification”), or an override with a reason.
            </p>
            <Err errors={fields("release")} name="verification" id="release-verification" />
            <label for="release-override">
              Or release with an override
              <span class="hint">
                Why the release goes out without a passed verification; it is recorded.
              </span>
            </label>
            <textarea id="release-override" name="override_reason" rows={2}>
              {values("release").override_reason ?? ""}
            </textarea>
            <Err errors={fields("release")} name="override_reason" id="release-override" />
          </ActionForm>
        </Folded>
      )}

      {available.has("disclose") && (
        <Folded action="disclose" problem={problem} open>
          <ActionForm
            reference={ref}
            csrfToken={csrf}
            action="disclose"
            problem={problem}
            submit="Record the disclosure"
          >
            <label for="disclose-advisory">Published advisory URL</label>
            <input
              type="url"
              id="disclose-advisory"
              name="advisory_url"
              value={values("disclose").advisory_url ?? ""}
              aria-invalid={invalid(fields("disclose"), "advisory_url")}
            />
            <Err errors={fields("disclose")} name="advisory_url" id="disclose-advisory" />
            <label for="disclose-reason">Or: why there is no advisory</label>
            <textarea id="disclose-reason" name="no_advisory_reason" rows={2}>
              {values("disclose").no_advisory_reason ?? ""}
            </textarea>
            <Err errors={fields("disclose")} name="no_advisory_reason" id="disclose-reason" />
          </ActionForm>
        </Folded>
      )}

      {available.has("close") && (
        <Folded
          action="close"
          problem={problem}
          open={view.state === "disclosed" || view.state === "rejected" || picked("close")}
        >
          {picker("close")}
          <ActionForm
            reference={ref}
            csrfToken={csrf}
            action="close"
            problem={problem}
            submit="Close the report"
          >
            <label for="close-message">
              Final feedback to the reporter
              <span class="hint">
                Thank them, say what was fixed and how they are credited. It is sent to the reporter.
              </span>
            </label>
            <textarea
              id="close-message"
              name="message"
              rows={4}
              required
              aria-invalid={invalid(fields("close"), "message")}
              aria-describedby={described(fields("close"), "message", "close-message")}
            >
              {values("close").message ?? filled("close") ?? ""}
            </textarea>
            <Err errors={fields("close")} name="message" id="close-message" />
          </ActionForm>
        </Folded>
      )}

      {available.has("request_info") && (
        <RequestInfoForm
          reference={ref}
          csrfToken={csrf}
          picker={picker("request_info")}
          open={picked("request_info")}
          value={values("request_info").message ?? filled("request_info")}
          fieldError={fields("request_info")?.message}
          actionError={mine("request_info")?.message}
        />
      )}

      {available.has("reopen") && (
        <Folded action="reopen" problem={problem}>
          <ActionForm reference={ref} csrfToken={csrf} action="reopen" problem={problem} submit="Reopen">
            <label for="reopen-reason">Why reopen</label>
            <textarea
              id="reopen-reason"
              name="reason"
              rows={2}
              required
              aria-invalid={invalid(fields("reopen"), "reason")}
            >
              {values("reopen").reason ?? ""}
            </textarea>
            <Err errors={fields("reopen")} name="reason" id="reopen-reason" />
          </ActionForm>
        </Folded>
      )}

      {available.has("mark_duplicate") && (
        <Folded
          action="mark_duplicate"
          problem={problem}
          open={picked("mark_duplicate") || Boolean(props.duplicateOfPrefill)}
        >
          {picker("mark_duplicate")}
          <ActionForm
            reference={ref}
            csrfToken={csrf}
            action="mark_duplicate"
            problem={problem}
            submit="Mark as duplicate"
            variant="danger"
          >
            <label for="duplicate-of">
              Original report
              <span class="hint">Its reference (EMB-2026-0001) or id.</span>
            </label>
            <input
              type="text"
              id="duplicate-of"
              name="of"
              value={values("mark_duplicate").of ?? props.duplicateOfPrefill ?? ""}
              aria-invalid={invalid(fields("mark_duplicate"), "of")}
              aria-describedby={described(fields("mark_duplicate"), "of", "duplicate-of")}
            />
            <Err errors={fields("mark_duplicate")} name="of" id="duplicate-of" />
            <label for="duplicate-message">Message to the reporter</label>
            <textarea
              id="duplicate-message"
              name="message"
              rows={3}
              aria-invalid={invalid(fields("mark_duplicate"), "message")}
            >
              {values("mark_duplicate").message ?? filled("mark_duplicate") ?? ""}
            </textarea>
            <Err errors={fields("mark_duplicate")} name="message" id="duplicate-message" />
          </ActionForm>
        </Folded>
      )}

      {available.has("reject") && (
        <Folded action="reject" problem={problem} open={picked("reject")}>
          {picker("reject")}
          <ActionForm
            reference={ref}
            csrfToken={csrf}
            action="reject"
            problem={problem}
            submit="Reject the report"
            variant="danger"
          >
            <label for="reject-reason">Reason</label>
            <select id="reject-reason" name="reason" aria-invalid={invalid(fields("reject"), "reason")}>
              {REJECTION_REASONS.filter((r) => r !== "duplicate").map((r) => (
                <option value={r} selected={(values("reject").reason ?? prefilledReason(tp?.prefill)) === r}>
                  {REJECTION_LABELS[r]}
                </option>
              ))}
            </select>
            <Err errors={fields("reject")} name="reason" id="reject-reason" />
            <label for="reject-message">
              Message to the reporter
              <span class="hint">Explain the decision; it is sent to the reporter.</span>
            </label>
            <textarea
              id="reject-message"
              name="message"
              rows={4}
              aria-invalid={invalid(fields("reject"), "message")}
              aria-describedby={described(fields("reject"), "message", "reject-message")}
            >
              {values("reject").message ?? filled("reject") ?? ""}
            </textarea>
            <Err errors={fields("reject")} name="message" id="reject-message" />
          </ActionForm>
        </Folded>
      )}

      {available.has("reject") && (
        // Junk is rejected as spam after one confirmation (a page without JS, in place with it); nothing is sent.
        <SpamButton reference={ref} />
      )}
    </>
  );
}
