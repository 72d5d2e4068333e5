// The reviewer page: select a finding (click or j/k), show its page with its boxes highlighted,
// turn pages (thumbnails or ←/→). Everything works without this file too, via links.
(function () {
  "use strict";
  var root = document.getElementById("review");
  if (!root) { return; }
  var items = Array.prototype.slice.call(document.querySelectorAll("#finding-list .finding"));
  var pages = Array.prototype.slice.call(document.querySelectorAll(".page-view"));
  var thumbs = Array.prototype.slice.call(document.querySelectorAll(".thumbs .thumb"));
  var current = parseInt(root.getAttribute("data-page"), 10) || 1;
  var selected = root.getAttribute("data-selected") || "";

  function showPage(number) {
    var found = false;
    pages.forEach(function (fig) {
      var on = parseInt(fig.getAttribute("data-page"), 10) === number;
      fig.hidden = !on;
      if (on) {
        found = true;
        var image = fig.querySelector("image[data-href]");
        if (image) {
          image.setAttribute("href", image.getAttribute("data-href"));
          image.removeAttribute("data-href");
        }
      }
    });
    if (!found) { return; }
    current = number;
    root.setAttribute("data-page", String(number));
    thumbs.forEach(function (t) {
      var on = parseInt(t.getAttribute("data-page"), 10) === number;
      t.classList.toggle("current", on);
      if (on) {
        var strip = t.parentElement;
        var left = t.offsetLeft - strip.offsetLeft;
        if (left < strip.scrollLeft || left + t.offsetWidth > strip.scrollLeft + strip.clientWidth) {
          strip.scrollLeft = Math.max(0, left - strip.clientWidth / 2);
        }
      }
    });
  }

  function select(id, turnPage) {
    selected = id;
    root.setAttribute("data-selected", id);
    items.forEach(function (li) { li.classList.toggle("sel", li.getAttribute("data-finding") === id); });
    document.querySelectorAll(".boxes rect").forEach(function (rect) {
      rect.classList.toggle("sel", rect.getAttribute("data-finding") === id);
    });
    var li = document.getElementById("f-" + id);
    if (!li) { return; }
    li.focus({preventScroll: true});
    reveal(li);
    var page = parseInt(li.getAttribute("data-page"), 10);
    if (turnPage && page) { showPage(page); }
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "?finding=" + encodeURIComponent(id) + "#f-" + id);
    }
  }

  // Scroll the findings list (not the window) so the selected finding starts at its top.
  function reveal(li) {
    var list = li.parentElement;
    var top = li.offsetTop - list.offsetTop;
    var bottom = top + Math.min(li.offsetHeight, list.clientHeight);
    if (top < list.scrollTop || bottom > list.scrollTop + list.clientHeight) {
      list.scrollTop = Math.max(0, top - 4);
    }
  }

  function step(delta) {
    if (!items.length) { return; }
    var index = items.findIndex(function (li) { return li.getAttribute("data-finding") === selected; });
    index = index < 0 ? 0 : Math.min(items.length - 1, Math.max(0, index + delta));
    select(items[index].getAttribute("data-finding"), true);
  }

  items.forEach(function (li) {
    li.querySelector(".finding-head").addEventListener("click", function (event) {
      event.preventDefault();
      select(li.getAttribute("data-finding"), true);
    });
    li.querySelectorAll(".page-link").forEach(function (a) {
      a.addEventListener("click", function (event) {
        event.preventDefault();
        select(li.getAttribute("data-finding"), false);
        showPage(parseInt(a.getAttribute("data-page"), 10));
      });
    });
  });
  thumbs.forEach(function (t) {
    t.addEventListener("click", function (event) {
      event.preventDefault();
      showPage(parseInt(t.getAttribute("data-page"), 10));
    });
  });
  document.querySelectorAll(".boxes rect").forEach(function (rect) {
    rect.addEventListener("click", function () { select(rect.getAttribute("data-finding"), false); });
  });

  document.addEventListener("keydown", function (event) {
    var tag = (event.target && event.target.tagName) || "";
    if (/^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(tag) || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    if (event.key === "j" || event.key === "ArrowDown") { step(1); event.preventDefault(); }
    else if (event.key === "k" || event.key === "ArrowUp") { step(-1); event.preventDefault(); }
    else if (event.key === "ArrowRight") { showPage(Math.min(pages.length, current + 1)); event.preventDefault(); }
    else if (event.key === "ArrowLeft") { showPage(Math.max(1, current - 1)); event.preventDefault(); }
  });

  if (selected) { select(selected, false); }
  showPage(current);
})();
