// gongkai review workspace: the little JavaScript that helps (htmx does the requests).
document.addEventListener("click", function (event) {
  var cell = event.target.closest("td.data");
  if (!cell) return;
  document.querySelectorAll("td.data.selected").forEach(function (c) { c.classList.remove("selected"); });
  cell.classList.add("selected");
});
document.addEventListener("DOMContentLoaded", function () {
  var drop = document.querySelector(".drop");
  if (!drop) return;
  ["dragenter", "dragover"].forEach(function (t) { drop.addEventListener(t, function () { drop.classList.add("over"); }); });
  ["dragleave", "drop"].forEach(function (t) { drop.addEventListener(t, function () { drop.classList.remove("over"); }); });
});
