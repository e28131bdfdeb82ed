// A form marked data-confirm asks before it is sent (an inline onsubmit would break the
// CSP, which allows only the app's own scripts).
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
