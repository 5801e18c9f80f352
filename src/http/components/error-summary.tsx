type Errors = Record<string, string>;

/** aria-describedby for a field: its hint and, when present, its error. */
export function describedBy(id: string, errors: Errors | undefined, ...hints: string[]): string | undefined {
  const ids = [...hints, ...(errors?.[id] ? [`${id}-error`] : [])];
  return ids.length > 0 ? ids.join(" ") : undefined;
}

/** aria-invalid only on fields that failed, so screen readers do not announce every field as wrong. */
export const invalid = (id: string, errors: Errors | undefined) => (errors?.[id] ? "true" : undefined);

/** The summary at the top of a form that failed validation: one link per field, in page order. */
export function ErrorSummary(props: {
  errors?: Errors | undefined;
  order: readonly string[];
  labels?: Record<string, string>;
}) {
  const errors = props.errors ?? {};
  const keys = Object.keys(errors);
  if (keys.length === 0) return null;
  const ordered = [
    ...props.order.filter((k) => k in errors),
    ...keys.filter((k) => !props.order.includes(k)),
  ];
  return (
    <div
      class="form-errors"
      role="alert"
      aria-labelledby="error-summary-title"
      id="error-summary"
      tabindex={-1}
    >
      <h2 id="error-summary-title">
        Please correct {ordered.length === 1 ? "this problem" : `these ${ordered.length} problems`}
      </h2>
      <ul>
        {ordered.map((key) =>
          props.order.includes(key) ? (
            <li>
              <a href={`#${key}`}>
                {props.labels?.[key] ? `${props.labels[key]}: ` : ""}
                {errors[key]}
              </a>
            </li>
          ) : (
            <li>{errors[key]}</li>
          ),
        )}
      </ul>
    </div>
  );
}

/** A refused change to one row of a list page, on top of the page, with a link down to that row's form. */
export function RowErrorNotice(props: { id: string; message: string; formAnchor: string }) {
  return (
    <div class="notice error" role="alert" id={props.id}>
      <p>{props.message}</p>
      <p>
        <a href={`#${props.formAnchor}`}>Go to the form</a>
      </p>
    </div>
  );
}
