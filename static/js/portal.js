// Small behaviours the pages share. Everything works without JavaScript; this only smooths it.
document.addEventListener("htmx:responseError", (event) => {
  const box = document.querySelector("#messages") || document.querySelector("main");
  const note = document.createElement("p");
  note.className = "message error";
  note.setAttribute("role", "alert");
  note.textContent = `The server answered ${event.detail.xhr.status}: the change was not saved. Reload and try again.`;
  box.prepend(note);
});

// Messages (portal/flash.py): an "Undo" offer disappears after its time; the service refuses
// a late undo anyway. Runs for the page's first messages and for those swapped in by htmx.
(function () {
  function expireUndo(root) {
    (root.querySelectorAll ? root.querySelectorAll("form[data-undo-seconds]") : []).forEach((form) => {
      if (form.dataset.undoTimer) return;
      form.dataset.undoTimer = "on";
      window.setTimeout(() => {
        const message = form.closest(".message");
        if (message) message.remove();
        else form.remove();
      }, Number(form.dataset.undoSeconds) * 1000);
    });
  }
  document.addEventListener("DOMContentLoaded", () => expireUndo(document));
  document.addEventListener("htmx:afterSettle", () => expireUndo(document));
  document.addEventListener("htmx:oobAfterSwap", () => expireUndo(document));
})();

// Lists with rows (the triage queue): j / k move between rows' first action, as in Linear.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || (event.key !== "j" && event.key !== "k")) return;
  const target = event.target;
  if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
  const actions = Array.from(document.querySelectorAll("[data-row-action]"));
  if (!actions.length) return;
  const row = target.closest ? target.closest("[data-row]") : null;
  let index = row ? actions.findIndex((a) => row.contains(a)) : -1;
  index = event.key === "j" ? Math.min(actions.length - 1, index + 1) : Math.max(0, index - 1);
  actions[index].focus();
  event.preventDefault();
});
