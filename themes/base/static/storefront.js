// Progressive enhancement only: every feature here also works without JavaScript.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  var csrf = token ? token.content : "";

  // Selects and checkboxes marked data-autosubmit submit their form on change,
  // so the separate "Apply"/"Update" buttons can hide.
  document.querySelectorAll("[data-hide-with-js]").forEach(function (el) { el.hidden = true; });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) { el.form.requestSubmit(); }
  });

  // Add to cart without leaving the page; the header count follows.
  document.querySelectorAll("form[data-cart-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = form.querySelector("[data-cart-status]");
      var button = form.querySelector('button[type="submit"]');
      if (button) { button.disabled = true; }
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": csrf }
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        var data = result.data;
        if (data.cart) {
          document.querySelectorAll("[data-cart-count]").forEach(function (el) { el.textContent = data.cart.count; });
        }
        var words = (data.errors || []).concat(data.notices || []);
        if (status) { status.textContent = words.length ? words.join(" ") : "Added to your cart."; }
      }).catch(function () {
        form.submit();  // fall back to the plain form post
      }).finally(function () {
        if (button) { button.disabled = false; }
      });
    });
  });

  // Optional sections (product recommendations) load after the page; if they
  // fail, the page simply goes without them.
  document.querySelectorAll("[data-recommendations]").forEach(function (slot) {
    fetch(slot.dataset.recommendations, { headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) {
        var parsed = new DOMParser().parseFromString(html, "text/html");
        slot.replaceChildren.apply(slot, Array.from(parsed.body.childNodes));
      }).catch(function () {});
  });

  // Type-ahead suggestions under the header search field.
  var input = document.querySelector("[data-suggest]");
  if (!input) { return; }
  var box = document.getElementById(input.getAttribute("aria-controls"));
  var timer = null;
  function clear() { box.hidden = true; box.textContent = ""; }
  function link(item) {
    var a = document.createElement("a");
    a.href = item.url;
    if (item.image) { var img = document.createElement("img"); img.src = item.image; img.alt = ""; a.appendChild(img); }
    var span = document.createElement("span");
    span.textContent = item.price ? item.title + " · " + item.price : item.title;
    a.appendChild(span);
    return a;
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { clear(); return; }
    timer = setTimeout(function () {
      fetch(input.dataset.suggest + "?q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          box.textContent = "";
          data.products.concat(data.collections, data.pages).forEach(function (item) { box.appendChild(link(item)); });
          box.hidden = !box.childElementCount;
        }).catch(clear);
    }, 150);
  });
  input.addEventListener("keydown", function (event) { if (event.key === "Escape") { clear(); } });
  document.addEventListener("click", function (event) { if (!input.form.contains(event.target)) { clear(); } });
})();
