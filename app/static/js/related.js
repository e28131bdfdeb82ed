/* Drop-downs that depend on the chosen client: the contact lists only the chosen client's
   contacts. Contacts are named "<name> — <client>" (app/models/contact.py), which is what
   ties an option to its client here. */
(function () {
  "use strict";
  var DEPENDENT = ["contact"];
  var SEPARATOR = " \u2014 ";

  function narrow(client, dependent, all) {
    var chosen = client.options[client.selectedIndex];
    var name = chosen && chosen.value !== "__None" ? chosen.text : null;
    var current = dependent.value;
    while (dependent.options.length) {
      dependent.remove(0);
    }
    all.forEach(function (option) {
      if (option.value === "__None" || name === null || option.text.endsWith(SEPARATOR + name)) {
        dependent.add(option);
      }
    });
    var kept = Array.prototype.some.call(dependent.options, function (option) {
      return option.value === current;
    });
    dependent.value = kept ? current : (dependent.options.length ? dependent.options[0].value : "");
    if (window.jQuery) {
      window.jQuery(dependent).trigger("change.select2");
    }
  }

  function bind() {
    var client = document.getElementById("client");
    if (!client || client.tagName !== "SELECT") {
      return;
    }
    DEPENDENT.forEach(function (id) {
      var dependent = document.getElementById(id);
      // A remote select (remote_select.js) asks for the chosen client's records itself.
      if (!dependent || dependent.tagName !== "SELECT" ||
          dependent.classList.contains("qms-remote-select")) {
        return;
      }
      var all = Array.prototype.slice.call(dependent.options);
      var update = function () { narrow(client, dependent, all); };
      update();
      // select2 announces a choice through jQuery, which native listeners do not hear.
      if (window.jQuery) {
        window.jQuery(client).on("change", update);
      } else {
        client.addEventListener("change", update);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", bind);
  } else {
    bind();
  }
})();
