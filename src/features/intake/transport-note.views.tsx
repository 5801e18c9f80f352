import { INTAKE_KEY_PATH } from "../keys/keys.service.ts";

/**
 * How the report travels, said truthfully for this deployment: "over TLS" only when PUBLIC_URL is https. The
 * encrypting script replaces the text once it knows whether it can encrypt in this browser.
 */
export function TransportNote(props: { overHttps: boolean }) {
  const key = <a href={INTAKE_KEY_PATH}>OpenPGP intake key</a>;
  return props.overHttps ? (
    <p class="hint" id="encryption-note" role="status">
      Your report is sent over TLS (HTTPS). With JavaScript on, your browser first encrypts all of it,
      attachments included, to our {key}.
    </p>
  ) : (
    <p class="hint warn" id="encryption-note" role="status">
      This site is not served over HTTPS, so the connection does not protect your report. With JavaScript on,
      your browser encrypts all of it, attachments included, to our {key} before sending it; without
      JavaScript it travels unencrypted. For sensitive details, encrypt them to the key yourself.
    </p>
  );
}
