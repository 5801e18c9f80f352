type Errors = Record<string, string>;

/** A field's error under it, tied to the input by id. */
export function AuthFieldError(props: { id: string; message: string | undefined }) {
  return props.message ? (
    <p class="field-error" id={`${props.id}-error`} role="alert">
      {props.message}
    </p>
  ) : null;
}

/**
 * The new password twice: the first admin's setup link and a team invite end in the same two fields, checked by
 * the same rules (at least 12 characters, both the same).
 */
export function NewPasswordFields(props: { prefix: string; errors: Errors }) {
  const e = props.errors;
  const described = (id: string, name: string) => ({
    "aria-invalid": e[name] ? "true" : undefined,
    "aria-describedby": e[name] ? `${id}-error` : `${props.prefix}-password-hint`,
  });
  return (
    <>
      <label for={`${props.prefix}-password`}>
        Password{" "}
        <span class="hint" id={`${props.prefix}-password-hint`}>
          At least 12 characters.
        </span>
      </label>
      <input
        type="password"
        id={`${props.prefix}-password`}
        name="password"
        autocomplete="new-password"
        required
        minlength={12}
        {...described(`${props.prefix}-password`, "password")}
      />
      <AuthFieldError id={`${props.prefix}-password`} message={e.password} />
      <label for={`${props.prefix}-confirm`}>Password again</label>
      <input
        type="password"
        id={`${props.prefix}-confirm`}
        name="passwordConfirm"
        autocomplete="new-password"
        required
        {...described(`${props.prefix}-confirm`, "passwordConfirm")}
      />
      <AuthFieldError id={`${props.prefix}-confirm`} message={e.passwordConfirm} />
    </>
  );
}

/**
 * Who the new account is: email, name and the new password twice. The first admin's setup form and the invite
 * acceptance both end in these fields; an invite's address is fixed (the link was sent to it), so it is shown
 * read-only and the service ignores what is posted there.
 */
export function AccountFields(props: {
  prefix: string;
  values: { email: string; name: string };
  errors: Errors;
  emailFixed?: boolean;
}) {
  const e = props.errors;
  const p = props.prefix;
  const aria = (id: string, name: string, hint?: string) => ({
    "aria-invalid": e[name] ? "true" : undefined,
    "aria-describedby": e[name] ? `${id}-error` : hint,
  });
  return (
    <>
      <label for={`${p}-email`}>
        Email
        {props.emailFixed && (
          <>
            {" "}
            <span class="hint" id={`${p}-email-hint`}>
              The address the invite was sent to; you sign in with it.
            </span>
          </>
        )}
      </label>
      <input
        type="email"
        id={`${p}-email`}
        name="email"
        value={props.values.email}
        autocomplete="username"
        required
        readonly={props.emailFixed}
        {...aria(`${p}-email`, "email", props.emailFixed ? `${p}-email-hint` : undefined)}
      />
      <AuthFieldError id={`${p}-email`} message={e.email} />
      <label for={`${p}-name`}>Name</label>
      <input
        type="text"
        id={`${p}-name`}
        name="name"
        value={props.values.name}
        autocomplete="name"
        required
        maxlength={100}
        {...aria(`${p}-name`, "name")}
      />
      <AuthFieldError id={`${p}-name`} message={e.name} />
      <NewPasswordFields prefix={p} errors={e} />
    </>
  );
}
