// Every table of a page scrolls inside its own box, so the page itself never scrolls sideways
// on a phone: the box is focusable and named (keyboard users can scroll it), and the first
// column stays in view (portal.css). django-tables2's lists already come in such a box.
(function () {
  document.querySelectorAll("main table").forEach(function (table, index) {
    var box = table.parentElement;
    if (!box.classList.contains("table-responsive")) {
      box = document.createElement("div");
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    }
    box.classList.add("table-scroll");
    var caption = table.querySelector("caption");
    var heading = box.previousElementSibling;
    var name = caption ? caption.textContent : heading && /^H[1-6]$/.test(heading.tagName) ? heading.textContent : "";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", (name || "Table " + (index + 1)).trim().replace(/\s+/g, " "));
    box.setAttribute("tabindex", "0");
  });
})();
