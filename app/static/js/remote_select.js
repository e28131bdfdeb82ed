/* A form's link to an entity of many rows (app/web/views/remote_select.py): select2 asks the
   screen's choices endpoint for the records whose name starts with what is typed, twenty
   at a time; a contact is looked for among the chosen client's. */
(function ($) {
  "use strict";
  if (!$ || !$.fn.select2) {
    return;
  }
  $(function () {
    $("select.qms-remote-select").each(function () {
      var select = $(this);
      var depends = select.data("depends");
      select.select2({
        theme: "bootstrap",
        width: "100%",
        allowClear: !select.prop("required"),
        placeholder: { id: "__None", text: select.data("placeholder") },
        minimumInputLength: 0,
        language: {
          searching: function () { return select.data("searching"); },
          noResults: function () { return select.data("none"); }
        },
        ajax: {
          url: select.data("choices"),
          dataType: "json",
          delay: 250,
          data: function (params) {
            var asked = { q: params.term || "", page: params.page || 1 };
            var chosen = depends ? $("#" + depends).val() : null;
            if (chosen && chosen !== "__None") {
              asked[depends] = chosen;
            }
            return asked;
          }
        }
      });
      if (depends) {
        // Another client chosen: a contact of the one before no longer fits.
        $("#" + depends).on("change", function () {
          select.val("__None").trigger("change");
        });
      }
    });
  });
})(window.jQuery);
