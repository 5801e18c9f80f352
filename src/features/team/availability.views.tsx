import type { CurrentUser } from "../../core/actors.ts";
import { formatWorkingHours, WEEKDAY_ORDER } from "../../domain/assignment.ts";
import { AUTO_ASSIGN_LABELS, AUTO_ASSIGN_MODES } from "../../domain/auto-assign.ts";
import { availabilityNow, effectiveAwayPeriods } from "../../domain/candidates.ts";
import { Csrf, Layout } from "../../http/layout.tsx";
import type { AvailabilityValues } from "./availability.form.ts";
import type { UserRow } from "./team.repo.ts";

type Errors = Record<string, string>;

const DAY_LABELS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;

/** Every time zone this server knows, offered as suggestions; any valid IANA name is accepted. */
export function TimeZoneList() {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ["UTC"];
  return (
    <datalist id="time-zones">
      {["UTC", ...zones.filter((z) => z !== "UTC")].map((z) => (
        <option value={z} />
      ))}
    </datalist>
  );
}

/** Whether the member can be given a report right now, and if not, why, in their own time zone. */
export function AvailabilityNow(props: { user: UserRow; now: Date }) {
  const u = props.user;
  if (u.role === "viewer") return <span class="small muted">viewers are not assigned reports</span>;
  const state = availabilityNow(u, props.now);
  const upcoming = effectiveAwayPeriods(u).filter((p) => p.start > props.now.toISOString().slice(0, 10));
  return (
    <>
      {state.available ? (
        <span class="badge sla-ok">available now</span>
      ) : (
        <span class="badge sla-due_soon">{state.detail}</span>
      )}
      <span class="small muted block">
        {formatWorkingHours(u.workingHours)} · {u.timeZone}
      </span>
      {upcoming.length > 0 && (
        <span class="small muted block">
          next away {upcoming[0]!.start} to {upcoming[0]!.end}
        </span>
      )}
      {u.availabilityNote && <span class="small muted block">{u.availabilityNote}</span>}
    </>
  );
}

function Err(props: { errors: Errors | undefined; name: string; id: string }) {
  const message = props.errors?.[props.name];
  return message ? (
    <p class="field-error" id={`${props.id}-error`} role="alert">
      {message}
    </p>
  ) : null;
}

const aria = (errors: Errors | undefined, name: string, id: string) =>
  errors?.[name] ? { "aria-invalid": "true", "aria-describedby": `${id}-error` } : {};

/**
 * Time zone, weekly hours and away periods. Works without JavaScript: "any time" or set hours is a radio, and
 * away periods are rows of two dates with a remove box, plus one empty row to add a period per save.
 */
export function AvailabilityForm(props: {
  action: string;
  prefix: string;
  values: AvailabilityValues;
  errors?: Errors | undefined;
  message?: string | null | undefined;
  csrfToken: string | null;
  submit: string;
}) {
  const { values: v, errors: e, prefix: p } = props;
  return (
    <form method="post" action={props.action} class="admin-form availability-form" id={`${p}-form`}>
      <Csrf token={props.csrfToken} />
      {props.message && (
        <p class="field-error" role="alert" id={`${p}-error`}>
          {props.message}
        </p>
      )}
      <div class="field">
        <label for={`${p}-zone`}>
          Time zone
          <span class="hint">IANA name, e.g. Europe/Berlin. Hours and away days are read in this zone.</span>
        </label>
        <input
          type="text"
          id={`${p}-zone`}
          name="timeZone"
          value={v.timeZone}
          list="time-zones"
          autocomplete="off"
          {...aria(e, "timeZone", `${p}-zone`)}
        />
        <Err errors={e} name="timeZone" id={`${p}-zone`} />
      </div>
      <fieldset>
        <legend>Working hours</legend>
        <label class="choice">
          <input type="radio" name="hours" value="any" checked={v.hours === "any"} /> Any time
        </label>
        <label class="choice">
          <input type="radio" name="hours" value="set" checked={v.hours === "set"} /> Only these hours:
        </label>
        <div class="row" id={`${p}-days`}>
          {WEEKDAY_ORDER.map((d) => (
            <label class="choice" for={`${p}-day-${d}`}>
              <input
                type="checkbox"
                id={`${p}-day-${d}`}
                name="days"
                value={String(d)}
                checked={v.days.includes(String(d))}
              />{" "}
              {DAY_LABELS[d]}
            </label>
          ))}
        </div>
        <Err errors={e} name="workingHours.days" id={`${p}-days`} />
        <div class="row">
          <div class="field">
            <label for={`${p}-start`}>From</label>
            <input
              type="time"
              id={`${p}-start`}
              name="start"
              value={v.start}
              {...aria(e, "workingHours.start", `${p}-start`)}
            />
            <Err errors={e} name="workingHours.start" id={`${p}-start`} />
          </div>
          <div class="field">
            <label for={`${p}-end`}>To</label>
            <input
              type="time"
              id={`${p}-end`}
              name="end"
              value={v.end}
              {...aria(e, "workingHours.end", `${p}-end`)}
            />
            <Err errors={e} name="workingHours.end" id={`${p}-end`} />
          </div>
        </div>
        <p class="hint">A “to” earlier than “from” is a night shift that ends the next morning.</p>
      </fieldset>
      <fieldset>
        <legend>Away (whole days, first and last included)</legend>
        <Err errors={e} name="awayPeriods" id={`${p}-away`} />
        {v.away.map((row, i) => {
          const id = `${p}-away-${i}`;
          const isNew = row.start === "" && row.end === "" && i === v.away.length - 1;
          return (
            <div class="row away-row">
              <div class="field">
                <label for={`${id}-start`}>{isNew ? "Add: first day" : "First day"}</label>
                <input
                  type="date"
                  id={`${id}-start`}
                  name="awayStart"
                  value={row.start}
                  {...aria(e, `away.${i}.start`, `${id}-start`)}
                />
                <Err errors={e} name={`away.${i}.start`} id={`${id}-start`} />
              </div>
              <div class="field">
                <label for={`${id}-end`}>Last day</label>
                <input
                  type="date"
                  id={`${id}-end`}
                  name="awayEnd"
                  value={row.end}
                  {...aria(e, `away.${i}.end`, `${id}-end`)}
                />
                <Err errors={e} name={`away.${i}.end`} id={`${id}-end`} />
              </div>
              {!isNew && (
                <label class="choice" for={`${id}-remove`}>
                  <input
                    type="checkbox"
                    id={`${id}-remove`}
                    name="awayRemove"
                    value={String(i)}
                    checked={row.remove}
                  />{" "}
                  Remove
                </label>
              )}
            </div>
          );
        })}
      </fieldset>
      <div class="actions">
        <button type="submit">{props.submit}</button>
      </div>
    </form>
  );
}

/** A member's own availability page: what the assignment sees of them, and the form to change it. */
export function MyAvailabilityPage(props: {
  orgName: string;
  user: CurrentUser;
  csrfToken: string | null;
  member: UserRow;
  now: Date;
  values: AvailabilityValues;
  errors?: Errors | undefined;
  message?: string | null | undefined;
  done?: boolean;
}) {
  return (
    <Layout
      title={props.message ? "Error: My availability" : "My availability"}
      orgName={props.orgName}
      user={props.user}
      csrfToken={props.csrfToken}
      active="availability"
    >
      <h1>My availability</h1>
      <p>
        Reports are assigned automatically only to members who are available: not away, and inside their
        working hours.
      </p>
      {props.done && (
        <div class="notice success" role="status" id="done">
          Your availability was saved.
        </div>
      )}
      <section class="card">
        <p>
          Now: <AvailabilityNow user={props.member} now={props.now} />
        </p>
        <TimeZoneList />
        <AvailabilityForm
          action="/account/availability"
          prefix="me"
          values={props.values}
          errors={props.errors}
          message={props.message}
          csrfToken={props.csrfToken}
          submit="Save my availability"
        />
      </section>
    </Layout>
  );
}

/** The org setting that says when Embargo picks the Response Manager itself. */
export function AutoAssignFieldset(props: { value: string | undefined; error: string | undefined }) {
  const value = props.value ?? "on_acknowledge";
  return (
    <fieldset id="auto-assign">
      <legend>Assign a Response Manager automatically</legend>
      <p class="hint">
        Embargo picks an available responder or admin by expertise, open load and time since their last
        assignment, and explains the choice on the timeline. A report that already has a Response Manager is
        never reassigned.
      </p>
      {AUTO_ASSIGN_MODES.map((mode) => (
        <label class="choice">
          <input type="radio" name="autoAssign" value={mode} checked={value === mode} />{" "}
          {AUTO_ASSIGN_LABELS[mode]}
        </label>
      ))}
      {props.error && (
        <p class="field-error" id="org-auto-assign-error" role="alert">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}
