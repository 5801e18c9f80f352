import type { AssignOption, AssignSuggestions } from "./assignment.service.ts";

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

/** Who reads the picker: links to fix a key go to the member's own key page, or to the admin's page for it. */
interface PickerViewer {
  id: string;
  canManageTeam: boolean;
}

/** The option's words: name and role, and why it cannot be chosen or that the member is away now. */
function optionLabel(m: AssignOption): string {
  const base = `${m.name} (${m.role})`;
  if (!m.assignable) return `${base}: not assignable, ${m.notAssignableBecause}`;
  return m.unavailableNow ? `${base}: ${m.unavailableNow}` : base;
}

/** Where a member's key is fixed, for this viewer; null when only the member or an admin can. */
function keyPageFor(m: AssignOption, viewer: PickerViewer): { href: string; text: string } | null {
  if (m.id === viewer.id) return { href: "/account/key", text: "Upload your key" };
  if (viewer.canManageTeam)
    return { href: `/admin/team/${encodeURIComponent(m.id)}/key`, text: `Upload a key for ${m.name}` };
  return null;
}

/**
 * The Response Manager picker. Members the assign action would refuse (no usable OpenPGP key) are listed but
 * cannot be chosen, and below it each says why, with a link to fix it: never offered only to be refused.
 */
export function AssigneePicker(props: {
  options: readonly AssignOption[];
  /** The current Response Manager's email, or what was typed before a refusal. */
  chosen: string;
  viewer: PickerViewer;
  invalid?: string | undefined;
  describedBy?: string | undefined;
}) {
  const chosen = props.chosen.toLowerCase();
  const current = props.options.find((m) => m.email.toLowerCase() === chosen && m.assignable);
  const blocked = props.options.filter((m) => !m.assignable);
  const describedBy = [props.describedBy, blocked.length > 0 ? "assign-blocked" : undefined]
    .filter(Boolean)
    .join(" ");
  return (
    <>
      <select
        id="assign-assignee"
        name="assignee"
        aria-invalid={props.invalid}
        aria-describedby={describedBy || undefined}
      >
        {!current && (
          <option value="" selected>
            Choose a responder…
          </option>
        )}
        {props.options.map((m) => (
          <option value={m.email} disabled={!m.assignable} selected={m === current}>
            {optionLabel(m)}
          </option>
        ))}
      </select>
      {blocked.length > 0 && (
        <div class="small assign-blocked" id="assign-blocked">
          <p>
            {props.options.some((m) => m.assignable)
              ? "Not assignable until they have a usable OpenPGP key (mail about a report is encrypted to its Response Manager):"
              : "Nobody can be assigned yet: mail about a report is encrypted to its Response Manager, and no one has a usable OpenPGP key."}
          </p>
          <ul>
            {blocked.map((m) => {
              const fix = keyPageFor(m, props.viewer);
              return (
                <li>
                  {m.name}: {m.notAssignableBecause}.{" "}
                  {fix ? <a href={fix.href}>{fix.text}</a> : "They or an admin can upload one."}
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </>
  );
}
