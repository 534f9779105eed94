// Drag a card to another column of the board (PMs only: the server checks the role again).
// Plain HTML5 drag-and-drop; the move itself is an htmx POST to the card's move URL, after which
// the board re-renders (HX-Trigger "roadmap-moved"). Without JavaScript each card has a form.
(function () {
  function setUp(root) {
    const board = root.querySelector ? root.querySelector("#board") || (root.id === "board" ? root : null) : null;
    if (!board || board.dataset.canMove !== "true" || board.dataset.dnd === "on") return;
    board.dataset.dnd = "on";
    board.addEventListener("dragstart", (event) => {
      const card = event.target.closest(".roadmap-card");
      if (!card) return;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.item);
      card.classList.add("dragging");
    });
    board.addEventListener("dragend", (event) => {
      const card = event.target.closest(".roadmap-card");
      if (card) card.classList.remove("dragging");
      board.querySelectorAll(".drop-target").forEach((c) => c.classList.remove("drop-target"));
    });
    board.addEventListener("dragover", (event) => {
      const column = event.target.closest(".column");
      if (!column) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      board.querySelectorAll(".drop-target").forEach((c) => c !== column && c.classList.remove("drop-target"));
      column.classList.add("drop-target");
    });
    board.addEventListener("drop", (event) => {
      const column = event.target.closest(".column");
      if (!column) return;
      event.preventDefault();
      column.classList.remove("drop-target");
      const card = board.querySelector(`#item-${event.dataTransfer.getData("text/plain")}`);
      if (!card || card.closest(".column") === column) return;
      column.querySelector(".cards").prepend(card);
      htmx.ajax("POST", card.dataset.moveUrl, { values: { status: column.dataset.status }, swap: "none", source: card });
    });
  }
  document.addEventListener("DOMContentLoaded", () => setUp(document));
  document.addEventListener("htmx:afterSettle", () => setUp(document));
})();
