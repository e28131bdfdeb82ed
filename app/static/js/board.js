// A board's moves: a card dragged to a column, or its Move button, opens the dialog with
// the statuses the card may go to and the fields that move needs; the move is posted with
// the card's version. A refusal is shown in the dialog; a stale card reloads the board.
(function () {
  "use strict";
  var board = document.getElementById("board");
  var dialog = document.getElementById("move-dialog");
  if (!board || !dialog) {
    return;
  }
  var form = document.getElementById("move-form");
  var select = document.getElementById("move-status");
  var errors = document.getElementById("move-errors");
  var current = null;

  function needs(card, status) {
    return (JSON.parse(card.getAttribute("data-needs"))[status]) || [];
  }

  function showFields() {
    var wanted = current ? needs(current, select.value) : [];
    dialog.querySelectorAll(".qms-move-field").forEach(function (group) {
      group.hidden = wanted.indexOf(group.getAttribute("data-field")) < 0;
    });
  }

  function open(card, status) {
    current = card;
    var allowed = card.getAttribute("data-allowed").split(" ");
    Array.prototype.forEach.call(select.options, function (option) {
      option.disabled = allowed.indexOf(option.value) < 0;
      option.hidden = option.disabled;
    });
    select.value = status && allowed.indexOf(status) >= 0 ? status : allowed[0];
    document.getElementById("move-record").textContent =
      card.querySelector(".qms-card-title").textContent;
    errors.hidden = true;
    showFields();
    dialog.showModal();
  }

  function say(text) {
    errors.textContent = text;
    errors.hidden = false;
  }

  select.addEventListener("change", showFields);
  document.getElementById("move-cancel").addEventListener("click", function () {
    dialog.close();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData();
    data.append("csrf_token", board.getAttribute("data-csrf"));
    data.append("status", select.value);
    data.append("version", current.getAttribute("data-version"));
    needs(current, select.value).forEach(function (field) {
      data.append(field, form.elements[field].value);
    });
    fetch(board.getAttribute("data-move-url") + "/" + current.getAttribute("data-id"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { status: response.status, body: body };
        }, function () {
          return { status: response.status, body: {} };
        });
      })
      .then(function (answer) {
        if (answer.status === 200) {
          window.location.reload();
        } else if (answer.status === 409 || answer.status === 404) {
          window.alert(board.getAttribute("data-stale") + "\n" + (answer.body.message || ""));
          window.location.reload();
        } else {
          say(answer.body.message || board.getAttribute("data-failed"));
        }
      }, function () {
        say(board.getAttribute("data-failed"));
      });
  });

  board.querySelectorAll(".qms-move").forEach(function (button) {
    button.addEventListener("click", function () {
      open(button.closest(".qms-card"));
    });
  });

  var dragged = null;
  board.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".qms-card");
    if (dragged) {
      event.dataTransfer.setData("text/plain", dragged.getAttribute("data-id"));
      event.dataTransfer.effectAllowed = "move";
    }
  });
  board.querySelectorAll(".qms-column").forEach(function (column) {
    column.addEventListener("dragover", function (event) {
      if (dragged) {
        event.preventDefault();
        column.classList.add("qms-drop");
      }
    });
    column.addEventListener("dragleave", function () {
      column.classList.remove("qms-drop");
    });
    column.addEventListener("drop", function (event) {
      event.preventDefault();
      column.classList.remove("qms-drop");
      var card = dragged;
      dragged = null;
      var status = column.getAttribute("data-status");
      if (!card || card.getAttribute("data-status") === status) {
        return;
      }
      if (card.getAttribute("data-allowed").split(" ").indexOf(status) < 0) {
        window.alert(board.getAttribute("data-refused"));
        return;
      }
      open(card, status);
    });
  });
})();
