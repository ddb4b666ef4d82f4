// The "Print" button of packing slips and invoices (no inline script: the Content-Security-Policy forbids it).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
