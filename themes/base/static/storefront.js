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

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text) { el.textContent = text; }
    return el;
  }

  // The words of the add-to-cart confirmation, in the page's language: the form's
  // data-text (product.html), English when a theme's form has none.
  var ENGLISH = {
    added: "Added to your cart", qty: "Qty", cart_total: "Cart total", item: "{num} item",
    items: "{num} items", view_cart: "View cart", check_out: "Check out", close: "Close",
    cart_url: "/cart", checkout_url: "/checkout"
  };
  function wordsOf(form) {
    var words = {};
    try { words = JSON.parse(form.dataset.text || "{}"); } catch (e) { words = {}; }
    Object.keys(ENGLISH).forEach(function (key) { if (!words[key]) { words[key] = ENGLISH[key]; } });
    return words;
  }

  // The same confirmation as the page shows after a plain form post (_messages.html).
  function confirmation(added, words) {
    var box = element("div", "added");
    box.appendChild(element("p", "added__title", words.added));
    var line = element("p", "added__line");
    line.appendChild(element("strong", "", added.title));
    line.appendChild(document.createTextNode(
      (added.variant ? " · " + added.variant : "") + " · " + words.qty + " " + added.quantity + " · " + added.line_total));
    box.appendChild(line);
    var total = element("p", "added__total", words.cart_total + " ");
    total.appendChild(element("strong", "", added.total));
    var count = (added.count === 1 ? words.item : words.items).replace("{num}", added.count);
    total.appendChild(document.createTextNode(" (" + count + ")"));
    box.appendChild(total);
    var actions = element("p", "added__actions");
    var cart = element("a", "button button--quiet", words.view_cart);
    cart.href = words.cart_url;
    var checkout = element("a", "button", words.check_out);
    checkout.href = words.checkout_url;
    actions.appendChild(cart);
    actions.appendChild(document.createTextNode(" "));
    actions.appendChild(checkout);
    box.appendChild(actions);
    return box;
  }

  // Over the page (a sheet at the bottom of a phone, a card at the top right of a
  // desktop), so the shopper sees it wherever the button was; it closes on its
  // button or Escape.
  function popup(box, words) {
    box.classList.add("added--popup");
    var close = element("button", "added__close", "×");
    close.type = "button";
    close.setAttribute("aria-label", words.close);
    close.addEventListener("click", function () { box.remove(); });
    box.insertBefore(close, box.firstChild);
    return box;
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      document.querySelectorAll(".added--popup").forEach(function (box) { box.remove(); });
    }
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
        if (!status) { return; }
        status.textContent = words.join(" ");
        if (data.added) {
          var text = wordsOf(form);
          status.appendChild(popup(confirmation(data.added, text), text));
        }
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

  // On phones the search button opens the header's search field (without
  // JavaScript its link makes #site-search the URL's target) and puts the cursor in it.
  document.querySelectorAll('a[href="#site-search"]').forEach(function (button) {
    button.addEventListener("click", function (event) {
      var field = document.getElementById("site-search-q");
      if (!field) { return; }
      event.preventDefault();
      field.form.classList.add("is-open");
      field.focus();
    });
  });

  // Type-ahead suggestions under the header search field.
  var input = document.querySelector("[data-suggest]");
  if (!input) { return; }
  var box = document.getElementById(input.getAttribute("aria-controls"));
  var timer = null;
  function clear() { box.hidden = true; box.textContent = ""; }
  // The suggestions' links are store paths: under a market's prefix (data-root) they go
  // to that market's pages.
  var root = input.dataset.root || "";
  function link(item) {
    var a = document.createElement("a");
    a.href = item.url.charAt(0) === "/" && item.url.charAt(1) !== "/" ? root + item.url : item.url;
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
          data.products.concat(data.collections, data.pages, data.articles || []).forEach(function (item) { box.appendChild(link(item)); });
          box.hidden = !box.childElementCount;
        }).catch(clear);
    }, 150);
  });
  input.addEventListener("keydown", function (event) { if (event.key === "Escape") { clear(); } });
  document.addEventListener("click", function (event) { if (!input.form.contains(event.target)) { clear(); } });
})();
