// Small behaviours the pages need, without inline script (the Content-Security-Policy allows none).
document.querySelectorAll("[data-fpp-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});

// Wide tables scroll inside a region of their own (the page never scrolls sideways, at 1280 px or on a
// phone), and the region takes keyboard focus so its columns can be reached without a mouse.
document.querySelectorAll("main table").forEach(function (table) {
  var region = table.closest(".fpp-scroll");
  if (!region) {
    region = document.createElement("div");
    region.className = "fpp-scroll";
    table.parentNode.insertBefore(region, table);
    region.appendChild(table);
  }
  if (!region.hasAttribute("tabindex")) {
    var caption = table.querySelector("caption");
    region.setAttribute("tabindex", "0");
    region.setAttribute("role", "region");
    region.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table (scrolls sideways)");
  }
});

// A member page folds each check's history away: the check a link or a redirect points at
// (/members/N#check-dbs, after recording or correcting a record) opens, as does any a later link targets.
function openTargetedDetails() {
  if (!location.hash) return;
  var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  var details = target && (target.matches("details") ? target : target.querySelector("details"));
  if (details) details.open = true;
}
openTargetedDetails();
window.addEventListener("hashchange", openTargetedDetails);

// Printing a member page prints every check's history, folded or not; the folds come back afterwards.
var foldedForPrint = [];
window.addEventListener("beforeprint", function () {
  foldedForPrint = Array.prototype.filter.call(document.querySelectorAll("main details"), function (d) { return !d.open; });
  foldedForPrint.forEach(function (d) { d.open = true; });
});
window.addEventListener("afterprint", function () {
  foldedForPrint.forEach(function (d) { d.open = false; });
  foldedForPrint = [];
});
