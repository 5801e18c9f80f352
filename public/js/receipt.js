// The receipt's copy button: shown only where the clipboard can be written; without it (or without JavaScript)
// the link stays selectable text.
for (const button of document.querySelectorAll("button[data-copy]")) {
  const source = document.getElementById(button.dataset.copy);
  const status = button.parentElement?.querySelector(".copy-status");
  if (!source || !navigator.clipboard?.writeText) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const text = source.textContent.trim();
    try {
      await navigator.clipboard.writeText(text);
      if (status) status.textContent = "Copied.";
    } catch {
      // Clipboard refused (permissions): select the link so a keyboard copy works.
      const range = document.createRange();
      range.selectNodeContents(source);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
      if (status) status.textContent = "Copying was blocked: the link is selected, press Ctrl+C or ⌘C.";
    }
  });
}
