/* A calendar beside each date and date-time box. The box keeps the text the user types, in
   their language's pattern (data-pattern, e.g. dd.MM.yyyy HH:mm); the server reads and
   checks it. The calendar is the browser's own picker, opened on a hidden native input, and
   it writes its choice back in the same pattern. Nothing is rewritten on focus or blur. */
(function () {
  "use strict";
  var TOKENS = ["yyyy", "MM", "dd", "HH", "mm"];

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function read(text, pattern) {
    /* The parts of `text` written in `pattern`, or null. */
    var order = [];
    var source = pattern.replace(/[.*+?^${}()|[\]\\\/]/g, "\\$&").replace(
      /yyyy|MM|dd|HH|mm/g,
      function (token) {
        order.push(token);
        return token === "yyyy" ? "(\\d{4})" : "(\\d{1,2})";
      }
    );
    var found = new RegExp("^\\s*" + source + "(?::\\d{2})?\\s*$").exec(text);
    if (!found) {
      return null;
    }
    var parts = {};
    order.forEach(function (token, index) {
      parts[token] = parseInt(found[index + 1], 10);
    });
    return parts;
  }

  function write(parts, pattern) {
    return pattern.replace(/yyyy|MM|dd|HH|mm/g, function (token) {
      return token === "yyyy" ? String(parts.yyyy) : pad(parts[token]);
    });
  }

  function attach(box) {
    var withTime = box.getAttribute("data-value-kind") === "datetime";
    var pattern = box.getAttribute("data-pattern");
    var picker = document.createElement("input");
    picker.type = withTime ? "datetime-local" : "date";
    picker.tabIndex = -1;
    picker.className = "qms-picker";
    picker.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-default qms-calendar";
    button.title = box.getAttribute("data-calendar-title") || "";
    button.innerHTML = '<i class="fa fa-calendar"></i>';
    var group = document.createElement("span");
    group.className = "input-group-btn";
    group.appendChild(button);
    group.appendChild(picker);
    var wrapper = document.createElement("div");
    wrapper.className = "input-group";
    box.parentNode.insertBefore(wrapper, box);
    wrapper.appendChild(box);
    wrapper.appendChild(group);
    button.addEventListener("click", function () {
      var parts = read(box.value, pattern);
      picker.value = parts
        ? parts.yyyy + "-" + pad(parts.MM) + "-" + pad(parts.dd) +
          (withTime ? "T" + pad(parts.HH) + ":" + pad(parts.mm) : "")
        : "";
      if (picker.showPicker) {
        picker.showPicker();
      } else {
        picker.focus();
      }
    });
    picker.addEventListener("change", function () {
      var found = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(picker.value);
      if (!found) {
        return;
      }
      box.value = write(
        {
          yyyy: found[1],
          MM: parseInt(found[2], 10),
          dd: parseInt(found[3], 10),
          HH: parseInt(found[4] || "0", 10),
          mm: parseInt(found[5] || "0", 10)
        },
        pattern
      );
      box.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function bind() {
    var boxes = document.querySelectorAll("input[data-pattern]");
    Array.prototype.forEach.call(boxes, attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", bind);
  } else {
    bind();
  }
})();
