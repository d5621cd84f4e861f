(function () {
  var form = document.getElementById("filters");
  if (!form) { return; }
  var total = Number(form.getAttribute("data-total"));
  var status = document.getElementById("shown");
  form.hidden = false;
  function picked(name) {
    var out = [];
    form.querySelectorAll('input[name="' + name + '"]').forEach(function (box) {
      if (box.checked) { out.push(box.value); }
    });
    return out;
  }
  function apply() {
    var personas = picked("persona"), channels = picked("channel"), shown = 0;
    document.querySelectorAll("[data-row]").forEach(function (row) {
      var visible = 0;
      row.querySelectorAll(".card").forEach(function (card) {
        var on = personas.indexOf(card.getAttribute("data-persona")) >= 0 &&
          channels.indexOf(card.getAttribute("data-channel")) >= 0;
        card.hidden = !on;
        if (on) { visible += 1; }
      });
      row.hidden = visible === 0;
      shown += visible;
    });
    document.querySelectorAll("[data-coverage]").forEach(function (table) {
      table.hidden = personas.indexOf(table.getAttribute("data-persona")) < 0;
    });
    status.textContent = shown + " van " + total + " concepten zichtbaar";
  }
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();
})();
