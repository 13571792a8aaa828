/* What the symbols mean: the legend control and the hover text of each marker.
   The legend is drawn from the same tables as the markers (glyphs.js), so it cannot
   disagree with them. */
(function () {
  "use strict";
  const CAD = (window.CAD = window.CAD || {});

  function escape(text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function svgShape(shape, fill, size) {
    const s = size || 6;
    const c = 9;
    let d;
    if (shape === "triangle") d = `<polygon points="${c},${c - s * 1.25} ${c + s * 1.15},${c + s * 0.8} ${c - s * 1.15},${c + s * 0.8}"`;
    else if (shape === "diamond") d = `<polygon points="${c},${c - s * 1.2} ${c + s * 1.05},${c} ${c},${c + s * 1.2} ${c - s * 1.05},${c}"`;
    else if (shape === "square") d = `<rect x="${c - s}" y="${c - s}" width="${2 * s}" height="${2 * s}"`;
    else d = `<circle cx="${c}" cy="${c}" r="${s}"`;
    const paint = fill ? `fill="${fill}"` : 'fill="var(--cad-paper)"';
    return `<svg width="18" height="18" viewBox="0 0 18 18">${d} ${paint} stroke="currentColor" stroke-width="1.3"/></svg>`;
  }

  function row(symbol, label) {
    return `<div class="cad-legend-row">${symbol}<span>${escape(label)}</span></div>`;
  }

  CAD.addLegend = function (map) {
    const legend = L.control({ position: "bottomleft" });
    legend.onAdd = function () {
      const div = L.DomUtil.create("div", "cad-legend");
      // A map smaller than a full screen's keeps the key folded away (a click on "Key"
      // opens it): open, it would hide much of the map under it (a console at 1280x720).
      const size = map.getSize();
      if (size.x < 800 || size.y < 560) div.classList.add("cad-legend-folded");
      let html = '<button class="cad-legend-toggle" title="Show or hide the key">Key</button>';
      html += '<div class="cad-legend-col"><b>Incidents</b>';
      for (const g of Object.values(CAD.GRADES)) html += row(svgShape(g.shape, g.fill, 6), g.label);
      html += row(
        '<svg width="18" height="18" viewBox="0 0 18 18"><circle cx="9" cy="9" r="5" fill="var(--cad-paper)" stroke="currentColor" stroke-width="2"/><circle cx="9" cy="9" r="1.8" fill="currentColor"/></svg>',
        "Caller location (AML)"
      );
      html += '</div><div class="cad-legend-col"><b>Units</b>';
      for (const s of Object.values(CAD.STATUSES)) html += row(svgShape("circle", s.fill, 5), s.label);
      html += '<span class="cad-legend-note"></span>';
      html += "</div>";
      div.innerHTML = html;
      CAD.legendNote = div.querySelector(".cad-legend-note");
      CAD.showTypeLetters(latestTypes);
      div.querySelector(".cad-legend-toggle").addEventListener("click", function () {
        div.classList.toggle("cad-legend-folded");
      });
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    legend.addTo(map);
    return legend;
  };

  // The letters on unit glyphs, for the types on the map (a fire engine's E only where the
  // area has fire engines): the live map calls this as unit types appear.
  const SHORT_NAMES = {
    response_car: "car", foot_patrol: "foot", dog: "dog", armed_response: "armed",
    traffic: "traffic", public_order: "public order", fire_engine: "fire engine",
    fire_truck: "ladder", ambulance: "ambulance", fire_officer: "fire officer",
  };
  let shownTypes = null;
  let latestTypes = ["response_car", "foot_patrol", "dog", "armed_response", "traffic", "public_order"];
  CAD.showTypeLetters = function (types) {
    latestTypes = types;
    const known = Object.keys(CAD.TYPE_LETTERS).filter((t) => types.includes(t));
    const key = known.join(",");
    if (!CAD.legendNote || key === shownTypes) return;
    shownTypes = key;
    CAD.legendNote.textContent = known
      .map((t) => CAD.TYPE_LETTERS[t] + " " + SHORT_NAMES[t])
      .join(" · ");
  };

  const TYPE_NAMES = {
    response_car: "response car",
    foot_patrol: "foot patrol",
    dog: "dog unit",
    armed_response: "armed response",
    traffic: "traffic",
    public_order: "public order",
    fire_engine: "fire engine",
    fire_truck: "ladder truck",
    ambulance: "ambulance",
    fire_officer: "fire officer",
  };

  CAD.describe = function (kind, rec) {
    if (!rec) return "";
    if (kind === "incidents") {
      const g = CAD.GRADES[rec.g];
      const where = rec.addr ? "<br>" + escape(rec.addr) : "";
      return `<b>${escape(rec.ref)}</b> ${escape(g ? g.label : rec.g)}<br>${escape(rec.cls)}${where}`;
    }
    if (kind === "units") {
      const s = CAD.STATUSES[rec.st];
      return `<b>${escape(rec.cs)}</b> ${escape(TYPE_NAMES[rec.ty] || rec.ty)}<br>${escape(s ? s.label : rec.st)}`;
    }
    return `${escape(rec.line)} call, location within ${Math.round(rec.acc)} m`;
  };
})();
