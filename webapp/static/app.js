// Progressive enhancement only: every control also works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("select.autosubmit").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) {
        select.form.requestSubmit ? select.form.requestSubmit() : select.form.submit();
      }
    });
  });
  document.querySelectorAll("details.cite").forEach(setUpCiteMenu);

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

// A Cite menu: copy buttons beside each style; a passage's menu loads its citations when opened.
function setUpCiteMenu(menu) {
  var body = menu.querySelector(".cite-body");
  body.querySelectorAll(".cite-style").forEach(addCopyButton);
  var url = menu.getAttribute("data-cite");
  if (!url) return;
  var labels = JSON.parse(menu.getAttribute("data-labels") || "{}");
  menu.addEventListener("toggle", function () {
    if (!menu.open || menu.getAttribute("data-loaded")) return;
    menu.setAttribute("data-loaded", "1");
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (citations) {
        body.textContent = "";
        Object.keys(labels).forEach(function (style) {
          if (typeof citations[style] !== "string") return;
          var block = document.createElement("div");
          block.className = "cite-style";
          block.setAttribute("data-style", style);
          var heading = document.createElement("h3");
          heading.textContent = labels[style];
          var text = document.createElement("pre");
          text.textContent = citations[style];
          block.appendChild(heading);
          block.appendChild(text);
          body.appendChild(block);
          addCopyButton(block);
        });
      })
      .catch(function () {
        menu.removeAttribute("data-loaded");
      });
  });
}

function addCopyButton(block) {
  var text = block.querySelector("pre");
  var button = document.createElement("button");
  button.type = "button";
  button.className = "copy";
  button.textContent = "复制 Copy";
  button.addEventListener("click", function () {
    copyText(text).then(function () {
      button.textContent = "已复制 Copied";
    });
  });
  block.insertBefore(button, text);
}

// The Clipboard API where the page is a secure context; else select the text and copy it.
function copyText(element) {
  if (navigator.clipboard && window.isSecureContext) {
    return navigator.clipboard.writeText(element.textContent);
  }
  var range = document.createRange();
  range.selectNodeContents(element);
  var selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  document.execCommand("copy");
  return Promise.resolve();
}
