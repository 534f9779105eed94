// The triage queue (templates/feedback/triage.html). Everything works without JavaScript; this
// only keeps the page in place.
(function () {
  // After a bulk action the table reloads with the filters in the address bar.
  document.body.addEventListener("triage-changed", () => {
    const table = document.querySelector("#triage-table");
    if (table) htmx.ajax("GET", window.location.href, { target: table, swap: "innerHTML" });
  });
  // "Cancel" on the bulk confirmation closes it without a page load.
  document.addEventListener("click", (event) => {
    const cancel = event.target.closest("[data-bulk-cancel]");
    if (!cancel) return;
    event.preventDefault();
    const box = document.querySelector("#bulk-confirm");
    if (box) box.replaceChildren();
    const apply = document.querySelector("[data-testid=bulk-apply]");
    if (apply) apply.focus();
  });
})();
