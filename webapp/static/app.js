// Progressive enhancement only: every control also works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select.autosubmit").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) {
        select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
      }
    });
  });

  // A long facet's filter box: hides the values whose label does not hold what is typed, and
  // opens the "show all" list so that every match is in view.
  document.querySelectorAll("input[data-facet]").forEach(function (input) {
    var facet = document.getElementById(input.getAttribute("data-facet"));
    if (!facet) {
      return;
    }
    var more = facet.querySelector("details.more");
    var status = facet.querySelector(".facet-filter-status");
    input.closest(".facet-filter").hidden = false;
    input.addEventListener("input", function () {
      var wanted = input.value.trim().toLowerCase();
      var shown = 0;
      facet.querySelectorAll("ul.values > li").forEach(function (item) {
        var match = !wanted || item.textContent.toLowerCase().indexOf(wanted) !== -1;
        item.hidden = !match;
        shown += match ? 1 : 0;
      });
      if (more && wanted) {
        more.open = true;
      }
      status.textContent = wanted ? shown + " 项匹配 " + shown + " matching" : "";
    });
  });
});
