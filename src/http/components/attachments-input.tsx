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
}) {
  const e = props.errors;
  return (
    <>
      <label for="attachments">
        Attachments (optional)
        <span class="hint" id="attachments-hint">
          {ATTACHMENT_HINT}
        </span>
      </label>
      {props.again && (
        <p class="hint warn" id="attachments-again">
          {props.againText}
        </p>
      )}
      <input
        type="file"
        id="attachments"
        name="attachments"
        multiple
        accept={ATTACHMENT_ACCEPT}
        aria-invalid={invalid("attachments", e)}
        aria-describedby={describedBy(
          "attachments",
          e,
          "attachments-hint",
          ...(props.again ? ["attachments-again"] : []),
        )}
      />
      <FieldError id="attachments" errors={e} />
    </>
  );
}
