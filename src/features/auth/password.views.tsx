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
