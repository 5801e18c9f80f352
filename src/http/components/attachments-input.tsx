import { ATTACHMENT_LIMITS, ATTACHMENT_TYPES } from "../../domain/attachments.ts";
import { describedBy, invalid } from "./error-summary.tsx";
import { FieldError } from "./field.tsx";

const MB = 1024 * 1024;

/** The limits in words next to the file input, so people learn them before an upload is refused. */
export const ATTACHMENT_HINT = `Up to ${ATTACHMENT_LIMITS.maxFiles} files, ${ATTACHMENT_LIMITS.maxFileBytes / MB} MB each and ${
  ATTACHMENT_LIMITS.maxTotalBytes / MB
} MB in total. Accepted types: ${Object.keys(ATTACHMENT_TYPES).join(", ")}.`;
/** The file picker's filter; a hint for browsers only, the service checks every name again. */
export const ATTACHMENT_ACCEPT = Object.keys(ATTACHMENT_TYPES)
  .map((ext) => `.${ext}`)
  .join(",");

/**
 * The reporter's file input with its limits; after a refused form it asks for the files again, because browsers
 * never keep them.
 */
export function AttachmentsInput(props: {
  errors: Record<string, string> | undefined;
  /** The form came back with errors, so the files the reporter chose are gone. */
  again: boolean;
  /** The sentence asking for the files again. */
  againText: string;
  /** The input's id, and the key of its error, when a page has more than one such input ("attachments"). */
  id?: string;
}) {
  const e = props.errors;
  const id = props.id ?? "attachments";
  return (
    <>
      <label for={id}>
        Attachments (optional)
        <span class="hint" id={`${id}-hint`}>
          {ATTACHMENT_HINT}
        </span>
      </label>
      {props.again && (
        <p class="hint warn" id={`${id}-again`}>
          {props.againText}
        </p>
      )}
      <input
        type="file"
        id={id}
        name="attachments"
        multiple
        accept={ATTACHMENT_ACCEPT}
        aria-invalid={invalid(id, e)}
        aria-describedby={describedBy(id, e, `${id}-hint`, ...(props.again ? [`${id}-again`] : []))}
      />
      <FieldError id={id} errors={e} />
    </>
  );
}
