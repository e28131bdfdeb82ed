/* The structured editor of a follow-up rule: trigger, conditions and action as fields
   offered by the rule catalogue (the JSON in #rule-catalogue, labelled on the server).
   Every change writes the part's JSON into its text box, which stays the stored form and
   is what the server checks; "Show the JSON" reveals the boxes. */
(function () {
  "use strict";
  var source = document.getElementById("rule-catalogue");
  if (!source) {
    return;
  }
  var CAT = JSON.parse(source.textContent);
  var T = CAT.text;
  var entitySelect = document.getElementById("entity");

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) {
      if (key === "text") {
        node.textContent = attributes[key];
      } else {
        node.setAttribute(key, attributes[key]);
      }
    });
    (children || []).forEach(function (child) {
      if (child) {
        node.appendChild(child);
      }
    });
    return node;
  }

  function select(options, value, attributes) {
    var node = el("select", Object.assign({ "class": "form-control" }, attributes || {}));
    var known = false;
    options.forEach(function (option) {
      var item = el("option", { value: option[0], text: option[1] });
      if (Array.isArray(value) ? value.indexOf(option[0]) >= 0 : option[0] === value) {
        item.selected = true;
        known = true;
      }
      node.appendChild(item);
    });
    if (!known && value && !Array.isArray(value)) {
      var kept = el("option", { value: value, text: value });
      kept.selected = true;
      node.appendChild(kept);
    }
    return node;
  }

  function selected(control) {
    return Array.prototype.filter.call(control.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
  }

  function input(value, attributes) {
    var node = el("input", Object.assign({ "class": "form-control", type: "text" }, attributes || {}));
    node.value = value === undefined || value === null ? "" : String(value);
    return node;
  }

  function labelled(text, control) {
    return el("div", { "class": "form-group rule-editor-item" }, [
      el("label", { "class": "control-label", text: text }),
      control
    ]);
  }

  function entity() {
    return CAT.entities[entitySelect ? entitySelect.value : ""] || { fields: [], statuses: [], flags: [] };
  }

  function fieldOf(name) {
    return entity().fields.filter(function (field) { return field.name === name; })[0];
  }

  function amountOf(offset) {
    offset = offset || {};
    var unit = CAT.units.map(function (u) { return u[0]; }).filter(function (u) { return offset[u]; })[0] || "days";
    return { unit: unit, amount: offset[unit] || 0, basis: offset.basis || "calendar" };
  }

  function offsetControls(offset, withBasis) {
    var parts = amountOf(offset);
    var amount = input(parts.amount, { type: "number", min: "0", "data-part": "amount" });
    var unit = select(CAT.units, parts.unit, { "data-part": "unit" });
    var row = el("div", { "class": "rule-editor-row" }, [amount, unit]);
    if (withBasis) {
      row.appendChild(select(CAT.bases, parts.basis, { "data-part": "basis" }));
    }
    row.read = function () {
      var result = {};
      result[unit.value] = parseInt(amount.value || "0", 10);
      var basis = row.querySelector("[data-part=basis]");
      if (basis && basis.value !== "calendar") {
        result.basis = basis.value;
      }
      return result;
    };
    return row;
  }

  /* One part of the rule: a box (the stored JSON) and its editor. */
  function Part(name, build) {
    var box = document.getElementById(name);
    if (!box) {
      return;
    }
    var holder = el("div", { "class": "rule-editor", id: "rule-editor-" + name });
    box.parentNode.insertBefore(holder, box);
    box.classList.add("rule-json");
    var part = this;
    part.render = function () {
      var value;
      try {
        value = box.value.trim() ? JSON.parse(box.value) : null;
      } catch (error) {
        holder.textContent = "";
        box.classList.remove("rule-json-hidden");
        return;  // not JSON: the box itself is the editor, and saving says why
      }
      box.classList.add("rule-json-hidden");
      holder.textContent = "";
      build(holder, value, function (updated) {
        box.value = JSON.stringify(updated, null, 2);
      });
      if (value === null) {
        holder.dispatchEvent(new Event("change"));  // a new rule starts from the defaults
      }
    };
    part.render();
    PARTS.push(part);
  }
  var PARTS = [];

  function buildTrigger(holder, trigger, write) {
    trigger = trigger || { kind: "after" };
    var kind = select(CAT.triggers, trigger.kind, { id: "rule-trigger-kind" });
    holder.appendChild(labelled(T.kind, kind));
    var detail = el("div");
    holder.appendChild(detail);
    var read;
    function draw() {
      detail.textContent = "";
      if (kind.value === "after") {
        var dates = entity().fields.filter(function (f) { return f.type === "date" || f.type === "datetime"; });
        var field = select(dates.map(function (f) { return [f.name, f.label]; }), trigger.field, { id: "rule-trigger-field" });
        var offset = offsetControls(trigger.offset || { days: 0 }, true);
        var age = input(trigger.max_age ? trigger.max_age.days : "", { type: "number", min: "1", id: "rule-trigger-max-age" });
        [labelled(T.field, field), labelled(T.offset, offset), labelled(T.max_age, age)].forEach(detail.appendChild, detail);
        read = function () {
          var result = { kind: "after", field: field.value, offset: offset.read() };
          if (age.value) {
            result.max_age = { days: parseInt(age.value, 10) };
          }
          return result;
        };
      } else if (kind.value === "periodic") {
        var schedule = select(CAT.schedules, trigger.schedule);
        detail.appendChild(labelled(T.schedule, schedule));
        read = function () { return { kind: "periodic", schedule: schedule.value }; };
      } else {
        var kpi = select(CAT.kpis, trigger.kpi);
        var scope = select(CAT.scopes, trigger.scope);
        var period = select(CAT.periods, trigger.period);
        var threshold = input(trigger.threshold === undefined ? -10 : trigger.threshold, { type: "number", step: "any" });
        [labelled(T.kpi, kpi), labelled(T.scope, scope), labelled(T.period, period), labelled(T.threshold, threshold)]
          .forEach(detail.appendChild, detail);
        read = function () {
          return { kind: "kpi", kpi: kpi.value, scope: scope.value, period: period.value, threshold: parseFloat(threshold.value) };
        };
      }
    }
    draw();
    kind.addEventListener("change", function () { draw(); write(read()); });
    holder.addEventListener("change", function () { write(read()); });
    holder.addEventListener("input", function () { write(read()); });
  }

  function valueControl(field, op, value) {
    if (op === "is_null" || op === "not_null" || !field) {
      return null;
    }
    var many = op === "in" || op === "not_in";
    if (field.type === "choice" && field.choices) {
      return select(field.choices, value, many ? { multiple: "multiple", "data-value": "choice" } : { "data-value": "choice" });
    }
    if (field.type === "bool") {
      return select([["true", T.yes], ["false", T.no]], value === false ? "false" : "true", { "data-value": "bool" });
    }
    if (many) {
      var area = el("textarea", { "class": "form-control", rows: "3", "data-value": field.type, placeholder: T.values });
      area.value = (value || []).join("\n");
      return area;
    }
    var hint = field.type === "date" || field.type === "datetime" ? T.relative : T.value;
    return input(value, { "data-value": field.type, placeholder: hint });
  }

  function readValue(control) {
    var type = control.getAttribute("data-value");
    if (control.multiple) {
      return selected(control);
    }
    if (type === "bool") {
      return control.value === "true";
    }
    function typed(text) {
      return (type === "int" || type === "number") && text.trim() !== "" && !isNaN(Number(text)) ? Number(text) : text.trim();
    }
    if (control.tagName === "TEXTAREA") {
      return control.value.split("\n").filter(function (line) { return line.trim(); }).map(typed);
    }
    return typed(control.value);
  }

  function buildConditions(holder, conditions, write) {
    conditions = Array.isArray(conditions) ? conditions : [];
    var list = el("div", { id: "rule-conditions" });
    holder.appendChild(list);
    var rows = [];
    function row(condition) {
      var fields = entity().fields.map(function (f) { return [f.name, f.label]; });
      var field = select(fields, condition.field || (fields[0] || [])[0], { "data-part": "field" });
      var op = select(CAT.ops, condition.op || "eq", { "data-part": "op" });
      var slot = el("div", { "class": "rule-editor-value" });
      var remove = el("button", { type: "button", "class": "btn btn-default", title: T.remove }, [el("i", { "class": "fa fa-trash" })]);
      var line = el("div", { "class": "rule-editor-row rule-condition" }, [field, op, slot, remove]);
      var control = null;
      function drawValue(value) {
        slot.textContent = "";
        control = valueControl(fieldOf(field.value), op.value, value);
        if (control) {
          slot.appendChild(control);
        }
      }
      drawValue(condition.value);
      field.addEventListener("change", function () { drawValue(undefined); });
      op.addEventListener("change", function () { drawValue(undefined); });
      remove.addEventListener("click", function () {
        list.removeChild(line);
        rows.splice(rows.indexOf(item), 1);
        save();
      });
      var item = {
        read: function () {
          var result = { field: field.value, op: op.value };
          if (control) {
            result.value = readValue(control);
          }
          return result;
        }
      };
      rows.push(item);
      list.appendChild(line);
    }
    function save() {
      write(rows.map(function (item) { return item.read(); }));
    }
    conditions.forEach(row);
    var add = el("button", { type: "button", "class": "btn btn-default", id: "rule-add-condition" }, [
      el("i", { "class": "fa fa-plus" }), document.createTextNode(" " + T.add_condition)
    ]);
    add.addEventListener("click", function () { row({}); save(); });
    holder.appendChild(add);
    holder.addEventListener("change", save);
    holder.addEventListener("input", save);
  }

  function buildAction(holder, action, write) {
    action = action || { type: "create_task" };
    var type = select(CAT.actions, action.type, { id: "rule-action-type" });
    holder.appendChild(labelled(T.type, type));
    var detail = el("div");
    holder.appendChild(detail);
    var read;
    function draw() {
      detail.textContent = "";
      var controls = {};
      function add(key, label, control) {
        controls[key] = control;
        detail.appendChild(labelled(label, control));
      }
      var kind = type.value;
      if (kind === "create_task" || kind === "escalate" || kind === "notify") {
        add("assignee", T.assignee, select(CAT.assignees, action.assignee || (kind === "escalate" ? "branch_head" : "owner"), { id: "rule-action-assignee" }));
        add("fallback", T.fallback, select([["", T.none]].concat(CAT.assignees.filter(function (a) { return a[0].indexOf("role:") === 0; })), action.fallback || ""));
        add("title", T.title, input(action.title, { id: "rule-action-title" }));
        var description = el("textarea", { "class": "form-control", rows: "2" });
        description.value = action.description || "";
        add("description", T.description, description);
        if (kind !== "notify") {
          add("due", T.due, offsetControls(action.due || { days: 1 }, true));
        }
        if (kind === "escalate" && entity().flags.length) {
          add("flag", T.flag, select([["", T.none]].concat(entity().flags), action.flag || ""));
        }
      } else if (kind === "set_status") {
        add("from", T.from, select(entity().statuses, action.from || [], { multiple: "multiple" }));
        add("to", T.to, select(entity().statuses, action.to));
        add("reason", T.reason, input(action.reason));
      } else {
        add("kind", T.survey_kind, select(CAT.survey_kinds, action.kind));
        add("scope", T.survey_scope, select(CAT.scopes, action.scope || "all"));
        add("title", T.title, input(action.title));
      }
      read = function () {
        var result = { type: kind };
        Object.keys(controls).forEach(function (key) {
          var control = controls[key];
          var value;
          if (control.read) {
            value = control.read();
          } else if (control.multiple) {
            value = selected(control);
          } else {
            value = control.value;
          }
          if (value !== "" && !(Array.isArray(value) && !value.length && key !== "from")) {
            result[key] = value;
          }
        });
        if (kind === "start_survey" && action.then_task) {
          result.then_task = action.then_task;  // kept as it was; edited as JSON
        }
        return result;
      };
    }
    draw();
    type.addEventListener("change", function () { draw(); write(read()); });
    holder.addEventListener("change", function () { write(read()); });
    holder.addEventListener("input", function () { write(read()); });
  }

  new Part("trigger", buildTrigger);
  new Part("conditions", buildConditions);
  new Part("action", buildAction);
  if (entitySelect) {
    /* Another entity has other fields: redraw from the JSON as it stands. */
    entitySelect.addEventListener("change", function () {
      PARTS.forEach(function (part) { part.render(); });
    });
    if (window.jQuery) {
      window.jQuery(entitySelect).on("change", function () {
        PARTS.forEach(function (part) { part.render(); });
      });
    }
  }
  var toggle = el("button", { type: "button", "class": "btn btn-link", id: "rule-show-json", text: T.show_json });
  toggle.addEventListener("click", function () {
    Array.prototype.forEach.call(document.querySelectorAll(".rule-json"), function (box) {
      box.classList.toggle("rule-json-hidden");
    });
  });
  var first = document.getElementById("rule-editor-trigger");
  if (first) {
    first.parentNode.insertBefore(toggle, first);
  }
})();
