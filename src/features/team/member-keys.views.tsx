import { formatFingerprint } from "../../domain/pgp-keys.ts";

/** A formatted fingerprint in two lines, as gpg prints it, so the team table stays narrow. */
function halves(formatted: string): string[] {
  const groups = formatted.split(" ");
  const mid = Math.ceil(groups.length / 2);
  return [groups.slice(0, mid).join(" "), groups.slice(mid).join(" ")].filter(Boolean);
}

/** A member's key on the team table: the fingerprint, or a highlighted "no key" for those who handle reports. */
export function MemberKeyCell(props: { member: { id: string; role: string }; fingerprint: string | null }) {
  const { member, fingerprint } = props;
  const handlesReports = member.role === "admin" || member.role === "responder";
  return (
    <td class="member-key">
      {fingerprint ? (
        <code class="mono small" title={formatFingerprint(fingerprint)}>
          {halves(formatFingerprint(fingerprint)).map((half, i) => (
            <>
              {i > 0 && <br />}
              {half}
            </>
          ))}
        </code>
      ) : (
        <span
          class={handlesReports ? "badge sla-overdue" : "badge"}
          title={handlesReports ? "Cannot be assigned reports until a key is uploaded" : undefined}
        >
          no key
        </span>
      )}{" "}
      <a class="small" href={`/admin/team/${member.id}/key`}>
        {fingerprint ? "change" : "upload"}
      </a>
    </td>
  );
}

/** The organisation setting that signs security.txt with the intake key. */
export function SignSecurityTxtFieldset(props: { value: string | undefined; error: string | undefined }) {
  const on = props.value !== "false";
  return (
    <fieldset>
      <legend>Sign security.txt</legend>
      <p class="hint">
        When on, /.well-known/security.txt is served OpenPGP cleartext-signed by the intake key (RFC 9116
        §2.3), so researchers can check it was not altered.
      </p>
      <label class="choice">
        <input type="radio" name="signSecurityTxt" value="true" checked={on} /> Sign it with the intake key
        (recommended)
      </label>
      <label class="choice">
        <input type="radio" name="signSecurityTxt" value="false" checked={!on} /> Serve it unsigned
      </label>
      {props.error && (
        <p class="field-error" role="alert" id="org-sign-error">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}
