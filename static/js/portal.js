// Small behaviours the pages share. Everything works without JavaScript; this only smooths it.
document.addEventListener("htmx:responseError", (event) => {
  const box = document.querySelector("main");
  const note = document.createElement("p");
  note.className = "message error";
  note.setAttribute("role", "alert");
  note.textContent = `The server answered ${event.detail.xhr.status}: the change was not saved. Reload and try again.`;
  box.prepend(note);
});
