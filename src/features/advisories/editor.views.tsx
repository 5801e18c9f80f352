// The advisory editor's fields: the text, the CVE and CVSS facts, the affected products as repeated fieldsets
// (each with its ranges and one empty range row), references and team credits. Buttons: Save, Preview, and
// "Add a product" which comes back with one more empty product fieldset; all without JavaScript.

import { CREDIT_ROLES, REFERENCE_TYPES } from "../../domain/advisory-record.ts";
import { Err, Field } from "../../http/components/field.tsx";
import { Csrf } from "../../http/layout.tsx";
import type { EditorValues, ProductValues } from "./editor.form.ts";

type Errors = Record<string, string>;

function TextArea(props: {
  id: string;
  name: string;
  label: string;
  hint?: string;
  value: string;
  rows: number;
  errors: Errors;
  required?: boolean;
}) {
  const error = props.errors[props.name];
  return (
    <div class="field">
      <label for={props.id}>
        {props.label}
        {props.hint && <span class="hint">{props.hint}</span>}
      </label>
      <textarea
        id={props.id}
        name={props.name}
        rows={props.rows}
        required={props.required}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${props.id}-error` : undefined}
      >
        {props.value}
      </textarea>
      <Err errors={props.errors} name={props.name} id={props.id} />
    </div>
  );
}

function Select(props: {
  id: string;
  name: string;
  label: string;
  value: string;
  options: readonly string[];
  errors: Errors;
}) {
  const error = props.errors[props.name];
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        name={props.name}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={error ? `${props.id}-error` : undefined}
      >
        {props.options.map((o) => (
          <option value={o} selected={o === props.value}>
            {o.replace(/_/g, " ")}
          </option>
        ))}
      </select>
      <Err errors={props.errors} name={props.name} id={props.id} />
    </div>
  );
}

const EMPTY_PRODUCT: ProductValues = {
  product: "",
  ecosystem: "",
  packageName: "",
  repository: "",
  ranges: [],
};
const EMPTY_RANGE = { introduced: "", fixed: "", lastAffected: "" };

function ProductFieldset(props: { i: number; product: ProductValues; errors: Errors }) {
  const { i, product, errors } = props;
  const p = `affected.${i}.`;
  const id = (s: string) => `adv-affected-${i}-${s}`;
  const ranges = [...product.ranges, EMPTY_RANGE];
  return (
    <fieldset class="advisory-product" id={`product-${i}`}>
      <legend>Affected product {i + 1}</legend>
      <div class="form-grid">
        <Field
          id={id("product")}
          name={`${p}product`}
          label="Product"
          value={product.product}
          errors={errors}
        />
        <Field
          id={id("ecosystem")}
          name={`${p}package.ecosystem`}
          label="Package ecosystem"
          hint="OSV's name, e.g. npm, PyPI, Debian:12."
          value={product.ecosystem}
          errors={errors}
        />
        <Field
          id={id("package")}
          name={`${p}package.name`}
          label="Package name"
          value={product.packageName}
          errors={errors}
        />
        <Field
          id={id("repository")}
          name={`${p}repository`}
          label="Repository URL"
          hint="Without a package, the range bounds are full commit SHAs."
          value={product.repository}
          errors={errors}
        />
      </div>
      {ranges.map((r, j) => (
        <div class="form-grid advisory-range">
          <Field
            id={id(`r${j}-introduced`)}
            name={`${p}ranges.${j}.introduced`}
            label={`Range ${j + 1}: introduced in`}
            hint='"0" for all earlier versions.'
            value={r.introduced}
            errors={errors}
          />
          <Field
            id={id(`r${j}-fixed`)}
            name={`${p}ranges.${j}.fixed`}
            label="Fixed in"
            value={r.fixed}
            errors={errors}
          />
          <Field
            id={id(`r${j}-last`)}
            name={`${p}ranges.${j}.lastAffected`}
            label="Or last affected"
            value={r.lastAffected}
            errors={errors}
          />
        </div>
      ))}
      <Err errors={errors} name={`${p}ranges`} id={id("ranges")} />
    </fieldset>
  );
}

/** The editor form; `action` is where it posts, `withReports` whether the covered reports are editable here. */
export function EditorForm(props: {
  action: string;
  csrfToken: string | null;
  values: EditorValues;
  errors: Errors;
  published: boolean;
  saveLabel: string;
}) {
  const { values: v, errors } = props;
  const products = [...v.affected, ...Array.from({ length: 1 + v.extraProducts }, () => EMPTY_PRODUCT)];
  const references = [...v.references, { type: "WEB", url: "" }];
  const credits = [...v.teamCredits, { name: "", role: "analyst", url: "" }];
  return (
    <form method="post" action={props.action} class="advisory-editor stack" id="editor">
      <Csrf token={props.csrfToken} />
      <input type="hidden" name="extraProducts" value={String(v.extraProducts)} />
      <Field
        id="adv-reports"
        name="reports"
        label="Reports covered"
        hint="References separated by commas, e.g. EMB-2026-0001."
        value={v.reports}
        errors={{
          ...errors,
          reports:
            errors.reports ?? Object.entries(errors).find(([k]) => k.startsWith("reports."))?.[1] ?? "",
        }}
      />
      <Field id="adv-title" name="title" label="Title" value={v.title} errors={errors} required />
      <Field
        id="adv-summary"
        name="summary"
        label="Summary"
        hint="One line, plain text."
        value={v.summary}
        errors={errors}
        required
      />
      <TextArea
        id="adv-details"
        name="details"
        label="Details"
        hint="Markdown."
        value={v.details}
        rows={8}
        errors={errors}
      />
      <div class="form-grid">
        <Field
          id="adv-cve"
          name="cveId"
          label="CVE ID"
          hint="e.g. CVE-2026-12345"
          value={v.cveId}
          errors={errors}
        />
        <Field
          id="adv-no-cve"
          name="noCveReason"
          label="Why no CVE ID"
          hint="Needed for release when there is none."
          value={v.noCveReason}
          errors={errors}
        />
        <Field
          id="adv-cwe"
          name="cwe"
          label="CWE ids"
          hint="e.g. CWE-79, CWE-352"
          value={v.cwe}
          errors={{
            ...errors,
            cwe: errors.cwe ?? Object.entries(errors).find(([k]) => k.startsWith("cwe."))?.[1] ?? "",
          }}
        />
      </div>
      <Field
        id="adv-cvss"
        name="cvss"
        label="CVSS vector"
        hint="CVSS 3.0, 3.1 or 4.0."
        value={v.cvss}
        errors={errors}
      />
      <h3>Affected products</h3>
      {products.map((p, i) => (
        <ProductFieldset i={i} product={p} errors={errors} />
      ))}
      <div class="actions">
        <button type="submit" name="intent" value="add_product" class="secondary" formnovalidate>
          Add a product
        </button>
      </div>
      <TextArea
        id="adv-workarounds"
        name="workarounds"
        label="Workarounds"
        hint="Markdown."
        value={v.workarounds}
        rows={4}
        errors={errors}
      />
      <TextArea
        id="adv-solution"
        name="solution"
        label="Solution"
        hint="Markdown: the fixed versions, how to upgrade."
        value={v.solution}
        rows={4}
        errors={errors}
      />
      <fieldset>
        <legend>References</legend>
        {references.map((r, i) => (
          <div class="form-grid">
            <Select
              id={`adv-ref-${i}-type`}
              name={`references.${i}.type`}
              label="Type"
              value={r.type}
              options={REFERENCE_TYPES}
              errors={errors}
            />
            <Field
              id={`adv-ref-${i}-url`}
              name={`references.${i}.url`}
              label="URL"
              value={r.url}
              errors={errors}
            />
          </div>
        ))}
      </fieldset>
      <fieldset>
        <legend>Team credits</legend>
        <p class="hint">The reporter's credit comes from their own choice; add others here.</p>
        {credits.map((c, i) => (
          <div class="form-grid">
            <Field
              id={`adv-credit-${i}-name`}
              name={`teamCredits.${i}.name`}
              label="Name"
              value={c.name}
              errors={errors}
            />
            <Select
              id={`adv-credit-${i}-role`}
              name={`teamCredits.${i}.role`}
              label="Role"
              value={c.role}
              options={CREDIT_ROLES}
              errors={errors}
            />
            <Field
              id={`adv-credit-${i}-url`}
              name={`teamCredits.${i}.url`}
              label="Link (https)"
              value={c.url}
              errors={errors}
            />
          </div>
        ))}
      </fieldset>
      {props.published && (
        <TextArea
          id="adv-revision"
          name="revisionSummary"
          label="What changed"
          hint="Required: a published advisory changes only by a public revision with this summary."
          value={v.revisionSummary}
          rows={2}
          errors={errors}
        />
      )}
      <div class="actions">
        <button type="submit" name="intent" value="save">
          {props.saveLabel}
        </button>
        <button type="submit" name="intent" value="preview" class="secondary" formnovalidate>
          Preview
        </button>
      </div>
    </form>
  );
}
