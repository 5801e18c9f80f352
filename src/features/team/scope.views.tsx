import type { assets } from "../../db/schema.ts";
import {
  type AdminFrame,
  AdminLayout,
  Done,
  type FormProblem,
  Problem,
} from "../../http/components/admin-layout.tsx";
import { DataTable } from "../../http/components/data-table.tsx";
import { Err, Field, Toggle } from "../../http/components/field.tsx";
import { Csrf } from "../../http/layout.tsx";

type Errors = Record<string, string>;
type Values = Record<string, string>;

/** An asset as stored. */
type AssetRow = typeof assets.$inferSelect;

const ASSET_KINDS = ["web", "api", "mobile", "source", "package", "infrastructure", "other"] as const;

/** A registered repository an asset can name. */
export interface RepositoryChoice {
  id: string;
  name: string;
}

function AssetFields(props: {
  repositories: readonly RepositoryChoice[];
  prefix: string;
  values: Values;
  errors: Errors | undefined;
  editing: boolean;
}) {
  const v = props.values;
  const p = props.prefix;
  const inScope = v.inScope !== "out" && v.inScope !== "false";
  return (
    <>
      <div class="form-grid">
        <Field
          id={`${p}-name`}
          name="name"
          label="Name"
          value={v.name ?? ""}
          errors={props.errors}
          required
        />
        <Field
          id={`${p}-identifier`}
          name="identifier"
          label="Identifier"
          hint="Domain, URL, repository or package name."
          value={v.identifier ?? ""}
          errors={props.errors}
        />
        <div class="field">
          <label for={`${p}-kind`}>Kind</label>
          <select id={`${p}-kind`} name="kind">
            {ASSET_KINDS.map((k) => (
              <option value={k} selected={(v.kind ?? "web") === k}>
                {k}
              </option>
            ))}
          </select>
          <Err errors={props.errors} name="kind" id={`${p}-kind`} />
        </div>
        <div class="field">
          <label for={`${p}-repository`}>
            Repository<span class="hint">The code it is built from (Admin → Repositories).</span>
          </label>
          <select id={`${p}-repository`} name="repositoryId">
            <option value="">None</option>
            {props.repositories.map((r) => (
              <option value={r.id} selected={v.repositoryId === r.id}>
                {r.name}
              </option>
            ))}
          </select>
          <Err errors={props.errors} name="repositoryId" id={`${p}-repository`} />
        </div>
        <Field
          id={`${p}-tags`}
          name="tags"
          label="Tags"
          hint="Comma separated."
          value={v.tags ?? ""}
          errors={props.errors}
        />
      </div>
      <fieldset>
        <legend>Scope</legend>
        <label class="choice">
          <input type="radio" name="inScope" value="in" checked={inScope} /> In scope: we want reports about
          it
        </label>
        <label class="choice">
          <input type="radio" name="inScope" value="out" checked={!inScope} /> Out of scope
        </label>
        <Err errors={props.errors} name="inScope" id={`${p}-scope`} />
      </fieldset>
      <label for={`${p}-description`}>Description</label>
      <textarea id={`${p}-description`} name="description" rows={3}>
        {v.description ?? ""}
      </textarea>
      <Err errors={props.errors} name="description" id={`${p}-description`} />
      {props.editing && (
        <Toggle
          id={`${p}-active`}
          name="active"
          label="Listed (unlisted assets stay on old reports but leave the policy and the form)"
          checked={v.active !== "false"}
        />
      )}
    </>
  );
}

/** An asset's stored values as the form shows them. */
export function assetValues(a: AssetRow): Values {
  return {
    name: a.name,
    identifier: a.identifier,
    kind: a.kind,
    tags: a.tags.join(", "),
    inScope: a.inScope ? "in" : "out",
    description: a.description,
    active: a.active ? "true" : "false",
    repositoryId: a.repositoryId ?? "",
  };
}

export interface ScopePageProps extends AdminFrame {
  assets: readonly AssetRow[];
  repositories: readonly RepositoryChoice[];
  add?: FormProblem | null;
  edit?: (FormProblem & { id: string }) | null;
  done?: string | null;
}

/** The scope researchers see on the policy page: what we want reports about, and what we do not. */
export function ScopePage(props: ScopePageProps) {
  return (
    <AdminLayout {...props} title="Scope" section="scope" failed={Boolean(props.add || props.edit)}>
      <h1>Scope</h1>
      <Done message={props.done} />
      {props.edit && (
        <div class="notice error" role="alert" id="edit-error">
          <p>{props.edit.message}</p>
        </div>
      )}
      <DataTable
        class="assets"
        columns={["Name", "Identifier", "Kind", "Scope", "Listed", "Tags"]}
        rows={props.assets}
        empty={"No assets yet. Reports can still name “Other”."}
        row={(a) => (
          <tr class={a.active ? undefined : "inactive"}>
            <td>
              <a href={`#asset-${a.id}`}>{a.name}</a>
            </td>
            <td class="mono small break">{a.identifier}</td>
            <td>{a.kind}</td>
            <td>
              {a.inScope ? (
                <span class="badge sla-ok">In scope</span>
              ) : (
                <span class="badge sla-overdue">Out of scope</span>
              )}
            </td>
            <td>{a.active ? "Yes" : "No"}</td>
            <td>{a.tags.join(", ")}</td>
          </tr>
        )}
      />

      <section class="card" id="add-asset" aria-labelledby="add-asset-heading">
        <h2 id="add-asset-heading">Add an asset</h2>
        <Problem problem={props.add} id="add-error" />
        <form method="post" action="/admin/scope" class="admin-form">
          <Csrf token={props.csrfToken} />
          <AssetFields
            repositories={props.repositories}
            prefix="new-asset"
            values={props.add?.values ?? {}}
            errors={props.add?.errors}
            editing={false}
          />
          <div class="actions">
            <button type="submit">Add asset</button>
          </div>
        </form>
      </section>

      {props.assets.length > 0 && (
        <section aria-labelledby="edit-assets-heading">
          <h2 id="edit-assets-heading">Change assets</h2>
          {props.assets.map((a) => {
            const problem = props.edit?.id === a.id ? props.edit : null;
            return (
              <details class="card" id={`asset-${a.id}`} open={Boolean(problem)}>
                <summary>{a.name}</summary>
                <form method="post" action={`/admin/scope/${a.id}`} class="admin-form">
                  <Csrf token={props.csrfToken} />
                  {problem && (
                    <p class="field-error" role="alert">
                      {problem.message}
                    </p>
                  )}
                  <AssetFields
                    repositories={props.repositories}
                    prefix={`asset-${a.id}`}
                    values={problem?.values ?? assetValues(a)}
                    errors={problem?.errors}
                    editing
                  />
                  <div class="actions">
                    <button type="submit">Save {a.name}</button>
                  </div>
                </form>
              </details>
            );
          })}
        </section>
      )}
    </AdminLayout>
  );
}
