/* The live layer: incidents, units, handset locations, trails, links and heat, fed by
   batched diffs from Python over QWebChannel, and clicks, drags and right-clicks sent back.

   Protocol (see maps/bridge.py): Python emits `bridge.batch_sent(json)` with a list of
   operations ({"op": "diff" | "select" | "point" | "theme", ...}); the page calls
   `bridge.receive(json)` with one message ({"type": "ready" | "clicked" | "assign" |
   "context" | "applied", ...}). Nothing is sent to Python before the channel is up, and
   Python sends nothing before "ready". */
(function () {
  "use strict";
  const CAD = (window.CAD = window.CAD || {});
  const data = {
    units: new Map(),
    incidents: new Map(),
    calls: new Map(),
    links: new Map(),
    heat: new Map(),
    warnings: new Map(),
  };
  const warningRings = new Map(); // marker id -> its circle
  const marks = { units: new Map(), incidents: new Map(), calls: new Map() };
  const circles = new Map(); // call id -> accuracy circle
  const trails = new Map(); // unit id -> earlier positions, oldest first
  const TRAIL_POINTS = 6;
  const outbox = [];
  let map = null;
  let bridge = null;
  let renderer = null;
  let accuracyRenderer = null;
  let selectRenderer = null;
  let groups = null;
  let overlays = null;
  let baseLayers = {};
  let streetMap = false;
  let selection = null;
  let rings = [];
  let pin = null;
  let drag = null;
  let ghost = null;
  let suppressClickUntil = 0;

  CAD.data = data;
  CAD.marks = marks;

  function send(message) {
    const text = JSON.stringify(message);
    if (bridge) bridge.receive(text);
    else outbox.push(text);
  }

  function makePane(name, z, interactive) {
    const pane = map.createPane(name);
    pane.style.zIndex = String(z);
    if (!interactive) pane.style.pointerEvents = "none";
    return pane;
  }

  CAD.init = function (leafletMap, layers, config) {
    map = CAD.map = leafletMap;
    baseLayers = layers;
    CAD.config = config;
    streetMap = !!config.streetMap;
    makePane("cadHeat", 402, false);
    makePane("cadLines", 410, false);
    makePane("cadAccuracy", 412, false);
    makePane("cadLive", 420, true);
    makePane("cadSelect", 430, false);
    // Boroughs and tube lines are scenery: clicks fall through them to the map.
    map.getPane("overlayPane").style.pointerEvents = "none";
    renderer = L.canvas({ pane: "cadLive", padding: 0.2, tolerance: 3 });
    accuracyRenderer = L.canvas({ pane: "cadAccuracy", padding: 0.2 });
    selectRenderer = L.canvas({ pane: "cadSelect", padding: 0.2 });
    groups = {
      incidents: L.layerGroup().addTo(map),
      units: L.layerGroup().addTo(map),
      calls: L.layerGroup().addTo(map),
      warnings: L.layerGroup().addTo(map),
    };
    const scenery = { pane: "cadLines" };
    overlays = {
      trails: new L.CadCanvasOverlay(CAD.drawTrails(trails, data.units), scenery).addTo(map),
      links: new L.CadCanvasOverlay(
        CAD.drawLinks(data.links, data.units, data.incidents),
        scenery
      ).addTo(map),
      heat: new L.CadCanvasOverlay(CAD.drawHeat(data.heat), { pane: "cadHeat", scale: 1, readback: true }),
    };
    const base = {};
    const over = {};
    for (const [name, layer] of Object.entries(layers)) {
      if (name === "Street map") base[name] = layer;
      else over[name] = layer;
    }
    over["Incidents"] = groups.incidents;
    over["Units"] = groups.units;
    over["Handset locations (AML)"] = groups.calls;
    over["Warning markers"] = groups.warnings;
    over["Unit trails"] = overlays.trails;
    over["Assigned units"] = overlays.links;
    over["Incidents, last 24 h (heat)"] = overlays.heat;
    L.control.layers(base, over, { position: "topright", collapsed: true }).addTo(map);
    map.attributionControl.addAttribution(config.attribution);
    CAD.addLegend(map);
    map.on("overlayadd", onOverlayAdd);
    map.on("zoomend", function () {
      if (selection) placeRings();
    });
    // District names that would overlap at this zoom are hidden (a whole county's names
    // piled up unreadably at the zoom that fits two forces); zooming in shows them.
    map.on("zoomend resize", declutterNames);
    setTimeout(declutterNames, 0);
    map.on("contextmenu", function (e) {
      send({ type: "context", lat: e.latlng.lat, lon: e.latlng.lng });
    });
    setTheme(config.theme);
    connect();
  };

  function declutterNames() {
    const pane = map.getPane("cadBoroughNames");
    if (!pane) return;
    const placed = [];
    pane.querySelectorAll(".cad-borough-name span").forEach(function (span) {
      span.style.visibility = "visible";
      const r = span.getBoundingClientRect();
      const clash = placed.some(function (p) {
        return r.left < p.right && r.right > p.left && r.top < p.bottom && r.bottom > p.top;
      });
      if (clash) span.style.visibility = "hidden";
      else placed.push(r);
    });
  }

  function connect() {
    if (typeof QWebChannel === "undefined" || !window.qt) return; // opened outside Qt
    new QWebChannel(window.qt.webChannelTransport, function (channel) {
      bridge = channel.objects.bridge;
      bridge.batch_sent.connect(onBatch);
      bridge.receive(JSON.stringify({ type: "ready" }));
      while (outbox.length) bridge.receive(outbox.shift());
    });
  }

  function onBatch(text) {
    for (const op of JSON.parse(text)) {
      if (op.op === "diff") apply(op.diff);
      else if (op.op === "select") CAD.select(op.kind, op.id, true);
      else if (op.op === "point") CAD.showPoint(op.lat, op.lon, op.label);
      else if (op.op === "theme") setTheme(op.name);
    }
  }

  // ---------------------------------------------------------------- applying diffs

  function apply(diff) {
    const started = performance.now();
    const up = diff.upsert || {};
    const rm = diff.remove || {};
    let count = 0;
    for (const id of rm.units || []) count += drop("units", id);
    for (const id of rm.incidents || []) count += drop("incidents", id);
    for (const id of rm.calls || []) count += drop("calls", id);
    for (const id of rm.links || []) count += data.links.delete(id) ? 1 : 0;
    for (const id of rm.heat || []) count += data.heat.delete(id) ? 1 : 0;
    for (const id of rm.warnings || []) count += dropWarning(id);
    for (const [id, rec] of Object.entries(up.warnings || {})) count += upsertWarning(id, rec);
    for (const [id, rec] of Object.entries(up.units || {})) count += upsertUnit(id, rec);
    for (const [id, rec] of Object.entries(up.incidents || {})) count += upsertIncident(id, rec);
    for (const [id, rec] of Object.entries(up.calls || {})) count += upsertCall(id, rec);
    for (const [id, rec] of Object.entries(up.links || {})) {
      data.links.set(id, rec);
      count++;
    }
    for (const [id, rec] of Object.entries(up.heat || {})) {
      data.heat.set(id, rec);
      count++;
    }
    if (selection) placeRings();
    overlays.trails.redraw();
    overlays.links.redraw();
    if (up.heat || rm.heat) overlays.heat.redraw();
    // Draw now rather than at the next animation frame, so that the time measured is the
    // whole cost of the batch (and an offscreen page, with no frames, still draws).
    for (const r of [accuracyRenderer, renderer, selectRenderer]) {
      if (r._redrawRequest) {
        L.Util.cancelAnimFrame(r._redrawRequest);
        r._redraw();
      }
    }
    send({ type: "applied", ms: performance.now() - started, count: count });
  }

  // A warning marker: a red dashed circle of its radius, its text on hover. Not
  // interactive beyond the tooltip, so clicks reach incidents and units under it.
  function upsertWarning(id, rec) {
    dropWarning(id);
    const full = Object.assign({}, data.warnings.get(id) || {}, rec);
    data.warnings.set(id, full);
    const ring = L.circle([full.lat, full.lon], {
      radius: full.r,
      renderer: accuracyRenderer,
      color: "#e5484d",
      weight: 2,
      dashArray: "4 3",
      fillOpacity: 0.08,
    }).bindTooltip(full.txt);
    warningRings.set(id, ring);
    groups.warnings.addLayer(ring);
    return 1;
  }

  function dropWarning(id) {
    const ring = warningRings.get(id);
    if (ring) groups.warnings.removeLayer(ring);
    warningRings.delete(id);
    return data.warnings.delete(id) ? 1 : 0;
  }

  function drop(kind, id) {
    const mark = marks[kind].get(id);
    if (mark) groups[kind].removeLayer(mark);
    marks[kind].delete(id);
    if (kind === "calls" && circles.has(id)) {
      groups.calls.removeLayer(circles.get(id));
      circles.delete(id);
    }
    if (kind === "units") trails.delete(id);
    return data[kind].delete(id) ? 1 : 0;
  }

  function glyph(kind, id, rec, look) {
    const mark = new L.CadGlyph(
      [rec.lat, rec.lon],
      Object.assign({ renderer: renderer, interactive: kind !== "calls" }, look)
    );
    mark.cadKind = kind;
    mark.cadId = id;
    mark.on("click", onMarkClick);
    mark.bindTooltip(function () {
      return CAD.describe(kind, data[kind].get(id));
    }, { direction: "top", offset: [0, -8] });
    marks[kind].set(id, mark);
    groups[kind].addLayer(mark);
    return mark;
  }

  const typesSeen = new Set();
  function noteType(type) {
    if (!type || typesSeen.has(type)) return;
    typesSeen.add(type);
    if (CAD.showTypeLetters) CAD.showTypeLetters([...typesSeen]);
  }

  function upsertUnit(id, rec) {
    const prev = data.units.get(id);
    noteType(rec.ty);
    if (!prev) {
      data.units.set(id, rec);
      const mark = glyph("units", id, rec, CAD.unitLook(rec));
      mark.on("mousedown", onUnitDown);
      if (mark._map) mark.bringToBack(); // incidents stay on top of units
      return 1;
    }
    const moved =
      ("lat" in rec && rec.lat !== prev.lat) || ("lon" in rec && rec.lon !== prev.lon);
    if (moved) {
      let trail = trails.get(id);
      if (!trail) trails.set(id, (trail = []));
      trail.push([prev.lat, prev.lon]);
      if (trail.length > TRAIL_POINTS) trail.shift();
    }
    Object.assign(prev, rec);
    const mark = marks.units.get(id);
    if (moved) mark._latlng = L.latLng(prev.lat, prev.lon);
    if ("st" in rec || "ty" in rec || "cs" in rec) mark.restyle(CAD.unitLook(prev));
    else if (moved) mark.redraw();
    return 1;
  }

  function upsertIncident(id, rec) {
    const prev = data.incidents.get(id);
    if (!prev) {
      data.incidents.set(id, rec);
      const mark = glyph("incidents", id, rec, CAD.incidentLook(rec));
      if (mark._map) mark.bringToFront();
      return 1;
    }
    Object.assign(prev, rec);
    const mark = marks.incidents.get(id);
    mark._latlng = L.latLng(prev.lat, prev.lon);
    mark.restyle(CAD.incidentLook(prev));
    return 1;
  }

  function upsertCall(id, rec) {
    let prev = data.calls.get(id);
    if (prev) Object.assign(prev, rec);
    else data.calls.set(id, (prev = rec));
    const look = { shape: "circle", size: 4.5, hollow: true, target: true, weight: 2 };
    look.text = prev.line;
    const at = [prev.lat, prev.lon];
    let mark = marks.calls.get(id);
    if (!mark) mark = glyph("calls", id, prev, look);
    else mark.setLatLng(at).restyle(look);
    let circle = circles.get(id);
    if (!circle) {
      circle = L.circle(at, {
        renderer: accuracyRenderer,
        interactive: false,
        weight: 1.5,
        dashArray: "5 4",
        fillOpacity: 0.08,
      });
      circles.set(id, circle);
      groups.calls.addLayer(circle);
    }
    circle.setLatLng(at).setRadius(prev.acc);
    circle.setStyle({ color: CAD.theme.accuracy, fillColor: CAD.theme.accuracy });
    return 1;
  }

  function onOverlayAdd(e) {
    // Re-adding a group appends its markers to the draw list: restore the stacking.
    if (e.layer === groups.units) for (const m of marks.units.values()) m.bringToBack();
    if (e.layer === groups.incidents) for (const m of marks.incidents.values()) m.bringToFront();
  }

  // ---------------------------------------------------------------- theme

  function setTheme(name) {
    const t = CAD.THEMES[name] || CAD.THEMES.day;
    CAD.theme = t;
    CAD.themeName = name in CAD.THEMES ? name : "day";
    document.body.classList.remove("cad-day", "cad-night");
    document.body.classList.add("cad-" + CAD.themeName);
    const config = CAD.config || {};
    const districts = baseLayers[config.districts || "Boroughs"];
    if (districts) {
      districts.setStyle({
        color: t.boroughLine,
        weight: 1.2,
        opacity: 1,
        fillColor: t.boroughFill,
        fillOpacity: streetMap ? 0.08 : 1,
      });
    }
    for (const name of config.lines || ["Tube lines"]) {
      if (baseLayers[name]) baseLayers[name].setStyle({ color: t.tube, weight: 1.4, opacity: 0.6 });
    }
    for (const circle of circles.values()) circle.setStyle({ color: t.accuracy, fillColor: t.accuracy });
    for (const ring of rings) ring.remove();
    rings = [];
    if (selection) placeRings();
    for (const r of [renderer, accuracyRenderer, selectRenderer]) {
      if (r && r._map) {
        r._redrawBounds = null;
        r._redraw();
      }
    }
    for (const o of Object.values(overlays || {})) o.redraw();
  }
  CAD.setTheme = setTheme;

  // ---------------------------------------------------------------- selection, pin

  CAD.select = function (kind, id, pan) {
    selection = { kind: kind, id: id };
    placeRings();
    const mark = marks[kind] && marks[kind].get(id);
    if (mark && pan) map.panTo(mark.getLatLng());
  };

  function placeRings() {
    const mark = selection && marks[selection.kind] && marks[selection.kind].get(selection.id);
    if (!mark) {
      for (const ring of rings) ring.remove();
      rings = [];
      return;
    }
    if (!rings.length) {
      // A light halo under a dark ring (dark under light at night): visible on any fill.
      const t = CAD.theme;
      const common = { renderer: selectRenderer, interactive: false, fill: false, radius: 15 };
      rings = [
        L.circleMarker(mark.getLatLng(), Object.assign({ color: t.halo, weight: 7 }, common)),
        L.circleMarker(mark.getLatLng(), Object.assign({ color: t.select, weight: 3 }, common)),
      ];
      for (const ring of rings) ring.addTo(map);
    }
    const radius = (mark._radius || 8) * 1.45 + 5; // clear of the marker at any zoom
    for (const ring of rings) ring.setLatLng(mark.getLatLng()).setRadius(radius);
  }

  CAD.selected = function () {
    if (!selection || !rings.length) return null;
    const at = rings[0].getLatLng();
    return { kind: selection.kind, id: selection.id, lat: at.lat, lon: at.lng };
  };

  CAD.showPoint = function (lat, lon, label) {
    if (pin) pin.remove();
    const icon = L.divIcon({ className: "cad-pin", html: "<div></div>", iconSize: [18, 18] });
    pin = L.marker([lat, lon], { icon: icon, keyboard: false, interactive: false });
    if (label) pin.bindTooltip(label, { permanent: true, direction: "right", offset: [10, 0] });
    pin.addTo(map);
    map.panTo([lat, lon]);
  };

  // ---------------------------------------------------------------- clicks and drags

  function onMarkClick(e) {
    if (performance.now() < suppressClickUntil) return;
    send({ type: "clicked", kind: e.target.cadKind, id: e.target.cadId });
  }

  function onUnitDown(e) {
    if (e.originalEvent.button !== 0) return;
    drag = { id: e.target.cadId, start: e.containerPoint, moved: false };
    map.dragging.disable(); // the press is ours, not the map's pan
    L.DomEvent.on(document, "mousemove", onDragMove);
    L.DomEvent.on(document, "mouseup", onDragUp);
  }

  function onDragMove(ev) {
    const p = map.mouseEventToContainerPoint(ev);
    if (!drag.moved && p.distanceTo(drag.start) < 5) return;
    drag.moved = true;
    const from = marks.units.get(drag.id);
    if (!from) return;
    const to = map.containerPointToLatLng(p);
    if (!ghost) {
      ghost = L.polyline([from.getLatLng(), to], {
        renderer: selectRenderer,
        interactive: false,
        color: CAD.theme.select,
        weight: 2.5,
        dashArray: "2 6",
      }).addTo(map);
    } else ghost.setLatLngs([from.getLatLng(), to]);
    map.getContainer().style.cursor = incidentAt(p) ? "copy" : "no-drop";
  }

  function onDragUp(ev) {
    L.DomEvent.off(document, "mousemove", onDragMove);
    L.DomEvent.off(document, "mouseup", onDragUp);
    map.dragging.enable();
    map.getContainer().style.cursor = "";
    if (ghost) {
      ghost.remove();
      ghost = null;
    }
    const done = drag;
    drag = null;
    if (!done || !done.moved) return;
    suppressClickUntil = performance.now() + 100; // the release is not a click
    const incident = incidentAt(map.mouseEventToContainerPoint(ev));
    if (incident) send({ type: "assign", unit: done.id, incident: incident });
  }

  function incidentAt(point) {
    let best = null;
    let bestDistance = Infinity;
    for (const [id, mark] of marks.incidents) {
      const d = map.latLngToContainerPoint(mark.getLatLng()).distanceTo(point);
      if (d <= (mark._radius || 8) * 1.4 + 6 && d < bestDistance) {
        best = id;
        bestDistance = d;
      }
    }
    return best;
  }
})();
