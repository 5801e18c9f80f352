type Errors = Record<string, string>;

/** A field's error, keyed by the parameter name but tied to an element id that is unique on the page. */
export function Err(props: { errors: Errors | undefined; name: string; id: string }) {
  const message = props.errors?.[props.name];
  return message ? (
    <p class="field-error" id={`${props.id}-error`} role="alert">
      {message}
    </p>
  ) : null;
}

/** The error of a field whose element id is its parameter name. */
export function FieldError(props: { id: string; errors?: Errors | undefined }) {
  return <Err errors={props.errors} name={props.id} id={props.id} />;
}

/** A labelled input with its hint and its error, wrapped as one form-grid cell. */
export function Field(props: {
  id: string;
  name: string;
  label: string;
  value: string;
  errors: Errors | undefined;
  type?: string;
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  min?: number;
  max?: number;
  maxlength?: number;
}) {
  const error = props.errors?.[props.name];
  return (
    <div class="field">
      <label for={props.id}>
        {props.label}
        {props.hint && <span class="hint">{props.hint}</span>}
      </label>
      <input
        type={props.type ?? "text"}
        id={props.id}
        name={props.name}
        value={props.value}
        required={props.required}
        autocomplete={props.autocomplete}
        min={props.min}
        max={props.max}
        maxlength={props.maxlength}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${props.id}-error` : undefined}
      />
      <Err errors={props.errors} name={props.name} id={props.id} />
    </div>
  );
}

/** A checkbox whose unchecked state is sent too: the hidden "false" comes first and a checked box overrides it. */
export function Toggle(props: { id: string; name: string; label: string; checked: boolean }) {
  return (
    <>
      <input type="hidden" name={props.name} value="false" />
      <label class="choice" for={props.id}>
        <input type="checkbox" id={props.id} name={props.name} value="true" checked={props.checked} />{" "}
        {props.label}
      </label>
    </>
  );
}
