// The layout audit, run inside a page by storefront.layout_audit (headless Chromium).
// It returns what a shopper would trip over at this width:
//   overflow: an element sticking out past the right edge (the page scrolls sideways);
//   overlap:  two controls (links, buttons, fields) covering each other;
//   contrast: text reading below 4.5:1 (3:1 when large) on the colour behind it.
(() => {
  const found = [];
  const width = document.documentElement.clientWidth;

  function describe(el) {
    let name = el.tagName.toLowerCase();
    if (el.id) { name += "#" + el.id; }
    const classes = (el.getAttribute("class") || "").trim().split(/\s+/).filter(Boolean);
    if (classes.length) { name += "." + classes.slice(0, 2).join("."); }
    const text = (el.innerText || el.getAttribute("aria-label") || el.value || "").trim();
    return text ? `${name} "${text.replace(/\s+/g, " ").slice(0, 40)}"` : name;
  }

  function shown(el) {
    const style = getComputedStyle(el);
    if (style.visibility !== "visible" || style.display === "none" || Number(style.opacity) === 0) {
      return false;
    }
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) { return false; }  // (visually hidden)
    return el.checkVisibility ? el.checkVisibility({ checkOpacity: true }) : true;
  }

  // Inside something that clips or scrolls sideways on its own: the page does not scroll.
  function contained(el) {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow !== "visible") { return true; }
    }
    return false;
  }

  // Overflow: the outermost elements past the right edge.
  if (document.documentElement.scrollWidth > width + 1) {
    const wide = [];
    for (const el of document.body.querySelectorAll("*")) {
      const box = el.getBoundingClientRect();
      if (box.right > width + 1 && shown(el) && !contained(el)
          && !wide.some(outer => outer.contains(el))) {
        wide.push(el);
      }
    }
    for (const el of wide.slice(0, 5)) {
      found.push({ kind: "overflow", element: describe(el),
                   detail: `ends at ${Math.round(el.getBoundingClientRect().right)}px of ${width}px` });
    }
    if (!wide.length) {
      found.push({ kind: "overflow", element: "html",
                   detail: `the page is ${document.documentElement.scrollWidth}px wide at ${width}px` });
    }
  }

  // Fixed and sticky bars (the phone's buy bar) pass over the page as it scrolls: what
  // they cover at one scroll position is free at the next, so they are not overlaps.
  function floating(el) {
    for (let up = el; up && up !== document.body; up = up.parentElement) {
      const position = getComputedStyle(up).position;
      if (position === "fixed" || position === "sticky") { return true; }
    }
    return false;
  }

  // Overlap: controls a finger or a pointer could not tell apart.
  const controls = Array.from(document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]"
  )).filter(shown);
  const boxes = controls.map(el => el.getBoundingClientRect());
  for (let i = 0; i < controls.length; i++) {
    for (let j = i + 1; j < controls.length; j++) {
      const a = controls[i], b = controls[j];
      if (a.contains(b) || b.contains(a)) { continue; }
      const p = boxes[i], q = boxes[j];
      const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      if (w > 2 && h > 2 && !(floating(a) || floating(b))) {
        found.push({ kind: "overlap", element: describe(a),
                     detail: `covers ${describe(b)} (${Math.round(w)}×${Math.round(h)}px)` });
      }
    }
  }

  // Contrast: every element with its own text, against the first opaque colour behind it.
  function rgba(value) {
    const m = value.match(/rgba?\(([^)]+)\)/);
    if (!m) { return null; }
    const parts = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  }
  function luminance(c) {
    const lin = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
  }
  function blend(top, under) {
    const a = top.a;
    return { r: top.r * a + under.r * (1 - a), g: top.g * a + under.g * (1 - a),
             b: top.b * a + under.b * (1 - a), a: 1 };
  }
  // The colour behind `el`, or null when an image or gradient is behind it (unknown).
  function behind(el) {
    const layers = [];
    for (let up = el; up; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.backgroundImage !== "none") { return null; }
      const colour = rgba(style.backgroundColor);
      if (colour && colour.a > 0) {
        layers.push(colour);
        if (colour.a >= 1) { break; }
      }
    }
    let result = { r: 255, g: 255, b: 255, a: 1 };  // the canvas
    for (const layer of layers.reverse()) { result = blend(layer, result); }
    return result;
  }
  const reported = new Set();
  for (const el of document.body.querySelectorAll("*")) {
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !shown(el) || el.closest("[disabled], [aria-hidden=true], svg, script, style")) {
      continue;
    }
    const style = getComputedStyle(el);
    const ground = behind(el);
    const ink = rgba(style.color);
    if (!ground || !ink) { continue; }
    // Faded text (opacity on it or on a parent) reads as faded.
    for (let up = el; up; up = up.parentElement) { ink.a *= Number(getComputedStyle(up).opacity); }
    const text = blend(ink, ground);
    const [hi, lo] = [luminance(text), luminance(ground)].sort((x, y) => y - x);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    const name = describe(el);
    if (ratio < needed && !reported.has(name)) {
      reported.add(name);
      found.push({ kind: "contrast", element: name,
                   detail: `${style.color} on ${`rgb(${Math.round(ground.r)}, ${Math.round(ground.g)}, ${Math.round(ground.b)})`} reads at ${ratio.toFixed(2)}:1, needs ${needed}:1` });
    }
  }
  return found;
})()
