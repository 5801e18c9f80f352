import type { AssignSuggestions } from "./assignment.service.ts";

/** The badge of a report left unassigned because nobody was available; its title says why. */
export function NobodyAvailableBadge(props: { why?: string | null }) {
  return (
    <span class="badge sla-overdue nobody-available" title={props.why ?? undefined}>
      Nobody available
    </span>
  );
}

/**
 * Next to the assign form: who automatic assignment would pick now and why, the rest of the ranking, and who is
 * unavailable. The person assigning sees what they are overriding.
 */
export function AssignSuggestionsList(props: { suggestions: AssignSuggestions | null | undefined }) {
  const s = props.suggestions;
  if (!s) return null;
  const [first, ...rest] = s.ranking;
  return (
    <div class="assign-suggestions" id="assign-suggestions">
      <p class="small">
        <strong>Suggested</strong>{" "}
        <span class="muted">
          (matched on{" "}
          {s.tags.length > 0
            ? s.tags.join(", ")
            : "no tags: the asset has none and the weakness implies none"}
          )
        </span>
      </p>
      {first ? (
        <ol class="small suggestions">
          <li>
            <strong>{first.name}</strong> would be picked: {first.reasons}.
          </li>
          {rest.map((r) => (
            <li>
              {r.name}: {r.reasons}.
            </li>
          ))}
        </ol>
      ) : (
        <p class="small field-error">Nobody is available now; choose someone by hand.</p>
      )}
      {s.unavailable.length > 0 && (
        <p class="small muted">
          Unavailable: {s.unavailable.map((u) => `${u.name} (${u.detail})`).join("; ")}.
        </p>
      )}
    </div>
  );
}
