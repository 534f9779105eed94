// Small behaviours the pages share. Everything works without JavaScript; this only smooths it.
document.documentElement.classList.add("js");

document.addEventListener("htmx:responseError", (event) => {
  const box = document.querySelector("#messages") || document.querySelector("main");
  const note = document.createElement("p");
  note.className = "message error";
  note.setAttribute("role", "alert");
  note.textContent = `The server answered ${event.detail.xhr.status}: the change was not saved. Reload and try again.`;
  box.prepend(note);
});

// The phone menu: collapsed behind "Menu" (CSS shows it always on wider screens).
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-menu-toggle]");
  if (toggle) {
    const bar = toggle.closest(".topbar");
    const open = !bar.classList.contains("menu-open");
    bar.classList.toggle("menu-open", open);
    toggle.setAttribute("aria-expanded", String(open));
    return;
  }
  // On a phone the filter bar's controls open behind "Filters".
  const filters = event.target.closest("[data-filter-toggle]");
  if (filters) {
    const bar = filters.closest(".filter-bar");
    const open = !bar.classList.contains("filters-open");
    bar.classList.toggle("filters-open", open);
    filters.setAttribute("aria-expanded", String(open));
    return;
  }
  // A filter dropdown closes when the user clicks elsewhere.
  document.querySelectorAll("details.filter-dropdown[open]").forEach((details) => {
    if (!details.contains(event.target)) details.removeAttribute("open");
  });
});

// "/" focuses the header search (unless the user is typing somewhere); Escape leaves it.
document.addEventListener("keydown", (event) => {
  const target = event.target;
  const typing = target.closest && target.closest("input, textarea, select, [contenteditable]");
  if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    const box = document.querySelector("[data-search-shortcut]");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  } else if (event.key === "Escape") {
    if (target.matches && target.matches("[data-search-shortcut]")) target.blur();
    document.querySelectorAll("details.filter-dropdown[open]").forEach((d) => d.removeAttribute("open"));
  }
});

// Filter bars submit themselves: on a change at once, while typing after a pause. The form is a
// plain GET form (the URL is the filter); where it is boosted, htmx swaps only the results.
const filterTimers = new WeakMap();
function submitFilter(form) {
  clearTimeout(filterTimers.get(form));
  form.querySelectorAll("details.filter-dropdown").forEach((details) => {
    const count = details.querySelectorAll("input:checked").length;
    const badge = details.querySelector(".selected-count");
    if (badge) {
      badge.textContent = String(count);
      badge.hidden = count === 0;
    }
  });
  form.requestSubmit();
}
// Only the filters that are set go into the URL: on any submit (a change, typing, Enter, "Apply")
// the empty controls lose their name for that moment (disabling them would take the focus from
// the search box). Capturing runs before htmx's own submit handler and the browser's entry list.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches || !form.matches("form[data-filter-bar]")) return;
  const blank = Array.from(form.elements).filter(
    (el) => el.name && !el.disabled && !["submit", "button", "checkbox", "radio"].includes(el.type) && el.value === "",
  );
  blank.forEach((el) => { el.dataset.filterName = el.name; el.removeAttribute("name"); });
  window.setTimeout(() => blank.forEach((el) => { el.name = el.dataset.filterName; }), 0);
}, true);
document.addEventListener("change", (event) => {
  const form = event.target.closest("form[data-filter-bar]");
  if (form && event.target.type !== "search" && event.target.type !== "text") submitFilter(form);
});
document.addEventListener("input", (event) => {
  const form = event.target.closest("form[data-filter-bar]");
  if (!form || (event.target.type !== "search" && event.target.type !== "text")) return;
  clearTimeout(filterTimers.get(form));
  filterTimers.set(form, setTimeout(() => submitFilter(form), 350));
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

// A collapsed section (a <details>: a map's phase, say) opens when the URL's fragment names it or
// something inside it, on arrival and on a link to it within the page.
function openFragmentTarget() {
  let id = "";
  try {
    id = decodeURIComponent(window.location.hash.slice(1));
  } catch (error) {
    return; // a malformed fragment names nothing
  }
  const target = id && document.getElementById(id);
  if (!target) return;
  let opened = false;
  for (let el = target; el; el = el.parentElement) {
    if (el.tagName === "DETAILS" && !el.open) {
      el.open = true;
      opened = true;
    }
  }
  if (opened) target.scrollIntoView();
}
document.addEventListener("DOMContentLoaded", openFragmentTarget);
window.addEventListener("hashchange", openFragmentTarget);
// The same link again (no hashchange) after the section was closed by hand.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest('a[href^="#"]');
  if (link && link.hash === window.location.hash) window.setTimeout(openFragmentTarget, 0);
});
