// Canned-response pickers: choosing a template fills its form's textarea in place. Without this file the
// picker is a GET form that reloads the report page with the textarea filled in, so nothing depends on it.
(() => {
  if (window.embargoTemplatePickers) return; // the script tag comes with every picker; run once
  window.embargoTemplatePickers = true;

  /** What each textarea was last filled with, so text someone typed is never replaced without asking. */
  const lastFilled = new WeakMap();

  function showStatus(form, message, problems) {
    const status = form.querySelector(".template-status");
    if (!status) return;
    status.replaceChildren();
    const box = document.createElement(problems ? "div" : "p");
    if (problems) {
      box.className = "field-error";
      box.setAttribute("role", "alert");
      const lead = document.createElement("p");
      lead.textContent = message;
      const list = document.createElement("ul");
      for (const problem of problems) {
        const item = document.createElement("li");
        item.textContent = problem;
        list.append(item);
      }
      box.append(lead, list);
    } else {
      box.className = "small";
      box.textContent = message;
    }
    status.append(box);
  }

  async function fill(form) {
    const select = form.querySelector("select[name=use]");
    const target = document.getElementById(form.dataset.target || "");
    if (!select || !target || !select.value) return;
    const typed = target.value;
    if (typed.trim() !== "" && typed !== lastFilled.get(target)) {
      if (!window.confirm("Replace the text you typed with this template?")) return;
    }
    showStatus(form, "Filling in…");
    try {
      const url = `${form.dataset.render}${encodeURIComponent(select.value)}/render?for=${encodeURIComponent(form.dataset.form || "")}`;
      const res = await fetch(url, { headers: { accept: "application/json" }, credentials: "same-origin" });
      const data = await res.json().catch(() => null);
      if (!res.ok || !data) {
        showStatus(form, "The template could not be used:", [
          data?.error?.message || `The server answered ${res.status}.`,
        ]);
        return;
      }
      if (!data.ok) {
        showStatus(form, `“${data.template.name}” cannot be used here:`, data.problems);
        return;
      }
      target.value = data.text;
      lastFilled.set(target, data.text);
      if (data.reason && form.dataset.reason) {
        const reason = document.getElementById(form.dataset.reason);
        if (reason) reason.value = data.reason;
      }
      // A canned response is written to the reporter: the reply form switches to "reply to the reporter".
      const toReporter = target.form?.querySelector('input[name="visibility"][value="reporter"]');
      if (toReporter) toReporter.checked = true;
      const details = target.closest("details");
      if (details) details.open = true;
      showStatus(form, `Filled in from “${data.template.name}”. Check and edit the text before sending.`);
      target.focus();
    } catch {
      showStatus(form, "The template could not be used:", ["The server could not be reached. Try again."]);
    }
  }

  document.addEventListener("change", (event) => {
    const select = event.target;
    if (select instanceof HTMLSelectElement && select.form?.matches("form[data-template-picker]")) {
      fill(select.form);
    }
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.matches("form[data-template-picker]")) {
      event.preventDefault();
      fill(form);
    }
  });
})();
