import type { CreditChoice } from "../../domain/credit.ts";
import { describedBy, ErrorSummary, invalid } from "../../http/components/error-summary.tsx";
import { FieldError } from "../../http/components/field.tsx";
import { Csrf, formatDate } from "../../http/layout.tsx";
import type { CreditView } from "./credits.types.ts";

type Errors = Record<string, string>;

/** What the credit form shows: the kept draft of a refused post, else the stored choice. */
export interface CreditDraft {
  display: string;
  name: string;
  handle: string;
  url: string;
  affiliation: string;
  coFinders: string;
  hallOfFame: boolean;
}

export function draftOf(choice: CreditChoice | null): CreditDraft {
  return {
    display: choice?.display ?? "anonymous",
    name: choice?.name ?? "",
    handle: choice?.handle ?? "",
    url: choice?.url ?? "",
    affiliation: choice?.affiliation ?? "",
    coFinders: (choice?.coFinders ?? []).join("\n"),
    hallOfFame: choice?.hallOfFame ?? false,
  };
}

const ORDER = ["display", "name", "handle", "url", "affiliation", "coFinders", "hallOfFame", "reason"];

/** The credit fields, shared by the tracking page, "My reports" and the team's correction form. */
export function CreditFields(props: { draft: CreditDraft; errors: Errors; prefix: string }) {
  const { draft: d, errors: e, prefix: p } = props;
  const text = (name: keyof CreditDraft, label: string, hint: string, type = "text", max = 200) => (
    <div class="field">
      <label for={`${p}-${name}`}>
        {label}
        <span class="hint">{hint}</span>
      </label>
      <input
        type={type}
        id={`${p}-${name}`}
        name={name}
        value={String(d[name])}
        maxlength={max}
        aria-invalid={invalid(name, e)}
        aria-describedby={describedBy(name, e)}
      />
      <FieldError id={name} errors={e} />
    </div>
  );
  return (
    <>
      <fieldset id={`${p}-display`} aria-invalid={invalid("display", e)}>
        <legend>Show me as</legend>
        {(
          [
            ["name", "My name"],
            ["handle", "My handle"],
            ["anonymous", "Anonymous: no name anywhere public"],
          ] as const
        ).map(([value, label]) => (
          <label class="choice">
            <input type="radio" name="display" value={value} checked={d.display === value} /> {label}
          </label>
        ))}
        <FieldError id="display" errors={e} />
      </fieldset>
      <div class="form-grid">
        {text("name", "Name", "Shown when you choose your name.")}
        {text("handle", "Handle", "Shown when you choose your handle.")}
        {text(
          "url",
          "Link (optional)",
          "An https address: homepage, fediverse or GitHub profile.",
          "url",
          500,
        )}
        {text("affiliation", "Affiliation or team (optional)", "Shown after your name.")}
      </div>
      <div class="field">
        <label for={`${p}-coFinders`}>
          Co-finders (optional)
          <span class="hint">One name or handle per line, for team credit (at most 10).</span>
        </label>
        <textarea
          id={`${p}-coFinders`}
          name="coFinders"
          rows={3}
          aria-invalid={invalid("coFinders", e)}
          aria-describedby={describedBy("coFinders", e)}
        >
          {d.coFinders}
        </textarea>
        <FieldError id="coFinders" errors={e} />
      </div>
      <label class="choice">
        <input type="checkbox" name="hallOfFame" value="on" checked={d.hallOfFame} /> List me in the hall of
        fame once the advisory is public
      </label>
      <FieldError id="hallOfFame" errors={e} />
    </>
  );
}

export interface CreditSectionProps {
  token: string;
  credit: CreditView;
  thanks: { grantedAt: Date; acceptedAt: Date | null } | null;
  feedback: { rating: number; comment: string; givenAt: Date } | null;
  feedbackOpen: boolean;
  draft: CreditDraft | null;
  errors: Errors;
  feedbackDraft: { rating: string; comment: string; errors: Errors } | null;
}

/** The tracking page's credit: how it will read publicly, confirm or change it, thanks and final feedback. */
export function CreditSection(props: CreditSectionProps) {
  const { token, credit } = props;
  const e = props.errors;
  return (
    <section class="card" id="credit" aria-labelledby="credit-heading">
      <h2 id="credit-heading">Your credit</h2>
      <p>
        You will be credited as: <strong id="credit-line">{credit.line}</strong>
        {credit.choice?.url && credit.choice.display !== "anonymous" && (
          <>
            {" "}
            (<span class="mono">{credit.choice.url}</span>)
          </>
        )}
      </p>
      {credit.confirmedAt ? (
        <p class="notice" id="credit-confirmed">
          You confirmed this credit on {formatDate(credit.confirmedAt)}.
        </p>
      ) : credit.lockedReason ? null : (
        <form method="post" action={`/r/${token}/credit/confirm`}>
          <p class="hint">
            Check it: this is exactly what the advisory, the exports and the hall of fame will show.
          </p>
          <div class="actions">
            <button type="submit">Confirm this credit</button>
          </div>
        </form>
      )}
      {credit.lockedReason ? (
        <p class="hint" id="credit-locked">
          {credit.lockedReason}
        </p>
      ) : (
        <details open={Object.keys(e).length > 0}>
          <summary>Change how you are credited</summary>
          <ErrorSummary errors={e} order={ORDER} />
          <form method="post" action={`/r/${token}/credit`} aria-labelledby="credit-heading">
            <CreditFields draft={props.draft ?? draftOf(credit.choice)} errors={e} prefix="credit" />
            <p class="hint">Changing your credit asks you to confirm it again.</p>
            <div class="actions">
              <button type="submit">Save credit</button>
            </div>
          </form>
        </details>
      )}
      {props.thanks && <ThanksOffer token={token} thanks={props.thanks} />}
      <FeedbackPart {...props} />
    </section>
  );
}

function ThanksOffer(props: { token: string; thanks: { grantedAt: Date; acceptedAt: Date | null } }) {
  if (props.thanks.acceptedAt)
    return (
      <p id="thanks">
        You accepted a thanks entry in the hall of fame on {formatDate(props.thanks.acceptedAt)}; it shows
        when you chose a name or handle and the hall of fame above.
      </p>
    );
  return (
    <form method="post" action={`/r/${props.token}/thanks/accept`} id="thanks">
      <h3>A thanks in the hall of fame</h3>
      <p>
        This report needed no advisory, but we want to thank you publicly. Accept, and you appear in the hall
        of fame with the credit above (if you chose a name or handle and the hall of fame).
      </p>
      <div class="actions">
        <button type="submit">Accept the thanks</button>
      </div>
    </form>
  );
}

function FeedbackPart(props: CreditSectionProps) {
  if (props.feedback)
    return (
      <p id="feedback">
        Thank you for your feedback ({props.feedback.rating}/5), given on {formatDate(props.feedback.givenAt)}
        .
      </p>
    );
  if (!props.feedbackOpen) return null;
  const d = props.feedbackDraft;
  const e = d?.errors ?? {};
  return (
    <form
      method="post"
      action={`/r/${props.token}/feedback`}
      id="feedback"
      aria-labelledby="feedback-heading"
    >
      <h3 id="feedback-heading">How did we do?</h3>
      <p class="hint">Optional, once: tell us how we handled your report.</p>
      <ErrorSummary errors={e} order={["rating", "comment"]} />
      <fieldset id="rating" aria-invalid={invalid("rating", e)}>
        <legend>Rating, 1 (poor) to 5 (excellent)</legend>
        {["1", "2", "3", "4", "5"].map((n) => (
          <label class="choice">
            <input type="radio" name="rating" value={n} checked={d?.rating === n} /> {n}
          </label>
        ))}
        <FieldError id="rating" errors={e} />
      </fieldset>
      <label for="comment">Comment (optional)</label>
      <textarea id="comment" name="comment" rows={3} maxlength={2000} aria-invalid={invalid("comment", e)}>
        {d?.comment ?? ""}
      </textarea>
      <FieldError id="comment" errors={e} />
      <div class="actions">
        <button type="submit">Send feedback</button>
      </div>
    </form>
  );
}

/** The team's credit panel on the report page: the credit, its confirmation, thanks, feedback and corrections. */
export function TeamCreditPanel(props: {
  reference: string;
  credit: CreditView;
  thanks: { grantedAt: Date; acceptedAt: Date | null } | null;
  feedback: { rating: number; comment: string; createdAt: Date } | null;
  canAct: boolean;
  csrfToken: string | null | undefined;
  draft: CreditDraft | null;
  reason: string;
  errors: Errors;
}) {
  const { credit } = props;
  const ref = encodeURIComponent(props.reference);
  const published = credit.lockedReason !== null;
  return (
    <section class="card" id="credit" aria-labelledby="team-credit-heading">
      <h2 id="team-credit-heading">Credit</h2>
      <dl class="facts">
        <dt>Credited as</dt>
        <dd id="team-credit-line">{credit.line}</dd>
        {credit.choice?.url && (
          <>
            <dt>Link</dt>
            <dd class="mono">{credit.choice.url}</dd>
          </>
        )}
        <dt>Hall of fame</dt>
        <dd>{credit.choice?.hallOfFame ? "Yes" : "No"}</dd>
        <dt>Confirmed</dt>
        <dd>{credit.confirmedAt ? formatDate(credit.confirmedAt) : "Not yet"}</dd>
        <dt>Thanks entry</dt>
        <dd>
          {props.thanks
            ? props.thanks.acceptedAt
              ? `Accepted ${formatDate(props.thanks.acceptedAt)}`
              : "Offered, waiting for the reporter"
            : "None"}
        </dd>
        {props.feedback && (
          <>
            <dt>Reporter's rating</dt>
            <dd id="team-feedback">
              {props.feedback.rating}/5{props.feedback.comment ? `: ${props.feedback.comment}` : ""}
            </dd>
          </>
        )}
      </dl>
      {props.canAct && !props.thanks && (
        <form method="post" action={`/reports/${ref}/credit/thanks`}>
          <Csrf token={props.csrfToken} />
          <p class="hint">For a valid report that needs no advisory: the reporter accepts, then it shows.</p>
          <button type="submit">Offer a hall-of-fame thanks</button>
        </form>
      )}
      {props.canAct && (
        <details open={Object.keys(props.errors).length > 0}>
          <summary>Correct the credit</summary>
          <ErrorSummary errors={props.errors} order={ORDER} />
          <form method="post" action={`/reports/${ref}/credit`}>
            <Csrf token={props.csrfToken} />
            <CreditFields
              draft={props.draft ?? draftOf(credit.choice)}
              errors={props.errors}
              prefix="team-credit"
            />
            <label for="team-credit-reason">
              Reason{published ? "" : " (optional)"}
              <span class="hint">
                {published
                  ? "The credit is public: the change is recorded with this reason."
                  : "The reporter is asked to confirm again."}
              </span>
            </label>
            <textarea id="team-credit-reason" name="reason" rows={2} required={published}>
              {props.reason}
            </textarea>
            <FieldError id="reason" errors={props.errors} />
            <div class="actions">
              <button type="submit">Save credit</button>
            </div>
          </form>
        </details>
      )}
    </section>
  );
}
