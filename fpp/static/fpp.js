// Small behaviours the pages need, without inline script (the Content-Security-Policy allows none).
document.querySelectorAll("[data-fpp-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
