import { tryGetContext } from "hono/context-storage";
import type { HeldMailNotice } from "../../domain/mail-delivery.ts";
import type { AppEnv } from "../env.ts";

/** The held-mail notice as a team page shows it; the link only for members who may open the outbox. */
export interface HeldMailBannerProps {
  notice: HeldMailNotice;
  /** Whether this member may read /admin/outbox (admins); the others are told who can. */
  canOpenOutbox: boolean;
}

/**
 * Shown on every team page while mail cannot leave: without it, a team would believe reporters got the
 * acknowledgements and questions that in fact wait in the outbox.
 */
export function HeldMailBanner(props: HeldMailBannerProps) {
  const { notice } = props;
  const where = props.canOpenOutbox ? (
    <a href="/admin/outbox">Open the outbox</a>
  ) : (
    "An admin can read them in the outbox."
  );
  return (
    <div class="held-mail" role="status" id="held-mail">
      <div class="wrap">
        {notice.reason === "no_smtp" ? (
          <p>
            <strong>Mail is held.</strong> SMTP_URL is not set, so no mail to reporters or the team leaves
            this server. Waiting in the outbox: {notice.waiting}. {where}
          </p>
        ) : (
          <p>
            <strong>Mail held before SMTP was set up was never sent:</strong> {notice.waiting}. An admin can
            send it now, or discard it, in the outbox.{" "}
            {props.canOpenOutbox && <a href="/admin/outbox">Open the outbox</a>}
          </p>
        )}
      </div>
    </div>
  );
}

/** The banner for this request, if the held-mail middleware in app.tsx set one; nothing outside a request. */
export function HeldMailSlot() {
  const held = tryGetContext<AppEnv>()?.var.heldMail;
  return held ? <HeldMailBanner {...held} /> : null;
}
