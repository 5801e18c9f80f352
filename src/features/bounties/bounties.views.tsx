import type { Child } from "hono/jsx";
import { PAYOUT_LABELS, PAYOUT_METHODS } from "../../domain/payout.ts";
import { Err } from "../../http/components/field.tsx";
import { Csrf, formatDate } from "../../http/layout.tsx";
import type { AwardView, BountyPolicyView, ReporterBountyView } from "./bounties.service.ts";

export interface KeptForm {
  form: string;
  errors: Record<string, string>;
  values: Record<string, string>;
}

const STATE_LABELS: Record<string, string> = {
  proposed: "Proposed, waiting for a second admin",
  approved: "Approved, not yet offered",
  offered: "Offered to the reporter",
  accepted: "Accepted by the reporter",
  declined: "Declined by the reporter",
  donated: "To be donated",
  paid: "Paid",
  cancelled: "Cancelled",
};

/** The tracking page's bounty section: the offer and its answers, and the payout details form. */
export function ReporterBountySection(props: {
  token: string;
  bounty: ReporterBountyView;
  kept: KeptForm | null;
}) {
  const { award, payout } = props.bounty;
  if (!award) return null;
  const t = props.token;
  const payoutKept = props.kept?.form === "bounty-payout" ? props.kept : null;
  const donateKept = props.kept?.form === "bounty-donate" ? props.kept : null;
  const needsPayout = award.state === "accepted" || award.state === "offered";
  return (
    <section class="card" aria-labelledby="bounty-heading" id="bounty">
      <h2 id="bounty-heading">Bounty</h2>
      <dl class="facts">
        <dt>Amount</dt>
        <dd>
          <strong>{award.display}</strong>
        </dd>
        <dt>State</dt>
        <dd>{STATE_LABELS[award.state] ?? award.state}</dd>
        {award.charity && (
          <>
            <dt>Charity</dt>
            <dd>{award.charity}</dd>
          </>
        )}
        {award.paidOn && (
          <>
            <dt>Paid on</dt>
            <dd>{award.paidOn}</dd>
          </>
        )}
        <dt>Payout details</dt>
        <dd>{payout ? `${PAYOUT_LABELS[payout.method]} ${payout.hint}` : "Not given yet"}</dd>
      </dl>
      <div class="body">{award.message}</div>
      {award.state === "offered" && (
        <div class="row">
          <form method="post" action={`/r/${t}/bounty/accept`}>
            <button type="submit">Accept</button>
          </form>
          <form method="post" action={`/r/${t}/bounty/decline`}>
            <button type="submit" class="secondary">
              Decline
            </button>
          </form>
        </div>
      )}
      {award.state === "offered" && (
        <form method="post" action={`/r/${t}/bounty/donate`}>
          <label for="bounty-charity">Or donate it to a charity you name</label>
          <input
            id="bounty-charity"
            name="charity"
            value={donateKept?.values.charity ?? ""}
            maxlength={5000}
          />
          <Err id="bounty-charity" errors={donateKept?.errors} name="charity" />
          <div class="actions">
            <button type="submit" class="secondary">
              Donate
            </button>
          </div>
        </form>
      )}
      {needsPayout && (
        <form method="post" action={`/r/${t}/payout`} aria-labelledby="payout-heading">
          <h3 id="payout-heading">Where to pay you</h3>
          <p class="hint">
            Stored encrypted; only the method and the last 4 characters are shown again. Never sent by mail.
          </p>
          <label for="payout-method">Method</label>
          <select id="payout-method" name="method">
            {PAYOUT_METHODS.map((m) => (
              <option value={m} selected={(payoutKept?.values.method ?? payout?.method) === m}>
                {PAYOUT_LABELS[m]}
              </option>
            ))}
          </select>
          <Err id="payout-method" errors={payoutKept?.errors} name="method" />
          <label for="payout-address">Address</label>
          <input id="payout-address" name="address" autocomplete="off" value="" required />
          <Err id="payout-address" errors={payoutKept?.errors} name="address" />
          <div class="actions">
            <button type="submit">Save payout details</button>
          </div>
        </form>
      )}
    </section>
  );
}

function Payment(props: { award: AwardView }) {
  const p = props.award.payment;
  if (!p) return null;
  return (
    <p class="small">
      Paid {p.display} on {p.paidOn}, reference{" "}
      {p.explorerUrl ? (
        <a href={p.explorerUrl} rel="noopener noreferrer">
          {p.reference}
        </a>
      ) : (
        <span class="mono">{p.reference}</span>
      )}
    </p>
  );
}

/** The report page's bounty panel: awards and their steps, the propose form, and the "mark paid" form. */
export function TeamBountyPanel(props: {
  reference: string;
  awards: AwardView[];
  policy: BountyPolicyView | null;
  defaultAmount: number | null;
  payout: { method: string; hint: string } | null;
  /** The payout address, for admins only, shown on the "mark paid" form. */
  payoutAddress: string | null;
  isAdmin: boolean;
  meId: string;
  csrfToken: string | null | undefined;
  kept: KeptForm | null;
}): Child {
  const ref = encodeURIComponent(props.reference);
  const live = props.awards.find((a) => !["cancelled", "declined", "paid"].includes(a.state));
  const proposeKept = props.kept?.form === "bounty-propose" ? props.kept : null;
  const actKept = props.kept?.form === "bounty-action" ? props.kept : null;
  const action = (a: AwardView, name: string, label: string, extra?: Child) => (
    <form method="post" action={`/reports/${ref}/bounty/${a.id}/actions`}>
      <Csrf token={props.csrfToken} />
      <input type="hidden" name="action" value={name} />
      {extra}
      <button type="submit" class={name === "cancel" ? "secondary" : ""}>
        {label}
      </button>
    </form>
  );
  return (
    <section class="card" aria-labelledby="bounty-heading" id="bounty">
      <h2 id="bounty-heading">Bounty</h2>
      {props.awards.length === 0 && <p class="muted">No bounty proposed.</p>}
      <ul class="plain">
        {props.awards.map((a) => (
          <li>
            <strong>{a.display}</strong> · {STATE_LABELS[a.state] ?? a.state}{" "}
            <span class="muted small">{formatDate(a.createdAt)}</span>
            {a.reason && <div class="small">Outside the policy because: {a.reason}</div>}
            {a.charity && <div class="small">Charity: {a.charity}</div>}
            <Payment award={a} />
          </li>
        ))}
      </ul>
      {actKept && (
        <p class="field-error" role="alert">
          {Object.values(actKept.errors)[0]}
        </p>
      )}
      {props.isAdmin && live && (
        <div class="row">
          {live.state === "proposed" && live.proposedBy !== props.meId && action(live, "approve", "Approve")}
          {live.state === "proposed" && live.proposedBy === props.meId && (
            <p class="hint">A second admin approves this award.</p>
          )}
          {live.state === "approved" && action(live, "offer", "Offer to the reporter")}
        </div>
      )}
      {props.isAdmin && live && ["accepted", "donated"].includes(live.state) && (
        <details open>
          <summary>Mark paid</summary>
          <p class="small">
            {live.state === "donated"
              ? `Donate to: ${live.charity}`
              : props.payoutAddress
                ? `Pay to (${props.payout?.method}): ${props.payoutAddress}`
                : "The reporter has not given payout details yet."}
          </p>
          {action(
            live,
            "mark_paid",
            "Record the payment",
            <>
              <label for="paid-date">Date</label>
              <input id="paid-date" name="date" type="date" value={actKept?.values.date ?? ""} />
              <label for="paid-amount">Amount paid (cents)</label>
              <input
                id="paid-amount"
                name="amount"
                inputmode="numeric"
                value={actKept?.values.amount ?? String(live.amount)}
              />
              <label for="paid-reference">Transaction id or reference</label>
              <input id="paid-reference" name="reference" value={actKept?.values.reference ?? ""} required />
            </>,
          )}
        </details>
      )}
      {props.isAdmin && live && ["proposed", "approved", "offered"].includes(live.state) && (
        <details>
          <summary>Cancel the award</summary>
          {action(
            live,
            "cancel",
            "Cancel",
            <>
              <label for="cancel-reason">Reason</label>
              <input id="cancel-reason" name="reason" required />
            </>,
          )}
        </details>
      )}
      {props.isAdmin && !live && (
        <form method="post" action={`/reports/${ref}/bounty`} aria-labelledby="propose-heading">
          <Csrf token={props.csrfToken} />
          <h3 id="propose-heading">Propose a bounty</h3>
          <label for="bounty-amount">
            Amount in cents{props.policy ? ` (${props.policy.currency})` : ""}
          </label>
          <input
            id="bounty-amount"
            name="amount"
            inputmode="numeric"
            value={
              proposeKept?.values.amount ?? (props.defaultAmount !== null ? String(props.defaultAmount) : "")
            }
          />
          <Err id="bounty-amount" errors={proposeKept?.errors} name="amount" />
          <label for="bounty-currency">Currency</label>
          <input
            id="bounty-currency"
            name="currency"
            value={proposeKept?.values.currency ?? props.policy?.currency ?? ""}
          />
          <Err id="bounty-currency" errors={proposeKept?.errors} name="currency" />
          <label for="bounty-message">Message to the reporter</label>
          <textarea id="bounty-message" name="message" rows={2}>
            {proposeKept?.values.message ?? ""}
          </textarea>
          <Err id="bounty-message" errors={proposeKept?.errors} name="message" />
          <label for="bounty-reason">Reason (needed outside the policy)</label>
          <input id="bounty-reason" name="reason" value={proposeKept?.values.reason ?? ""} />
          <Err id="bounty-reason" errors={proposeKept?.errors} name="reason" />
          <div class="actions">
            <button type="submit">Propose</button>
          </div>
        </form>
      )}
    </section>
  );
}
