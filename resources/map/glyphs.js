/* Drawing primitives of the live map: colours per grade, unit status and theme, and one
   canvas marker class (L.CadGlyph) that draws a shape, an inner letter and a label.

   Canvas, not DOM markers: 2,000 moving units must redraw in a few milliseconds.
   Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies),
   and every colour is doubled by a shape or fill, so nothing depends on colour alone:
   incidents are angular shapes (triangle, diamond, square), units are circles. */
(function () {
  "use strict";
  const CAD = (window.CAD = window.CAD || {});

  CAD.GRADES = {
    immediate: { shape: "triangle", fill: "#D55E00", size: 11, label: "Immediate" },
    priority: { shape: "diamond", fill: "#F0E442", size: 10, label: "Priority" },
    scheduled: { shape: "square", fill: "#56B4E9", size: 7.5, label: "Scheduled" },
    resolved_without_deployment: { shape: "square", fill: null, size: 6, label: "Resolved" },
  };
  CAD.STATUSES = {
    available: { fill: "#009E73", label: "Available" },
    assigned: { fill: "#0072B2", label: "En route" },
    at_scene: { fill: "#CC79A7", label: "At scene" },
    committed: { fill: "#7F7F7F", label: "Committed" },
    refreshment: { fill: "#E69F00", label: "Refreshment" },
    unavailable: { fill: null, label: "Unavailable" },
    off_duty: { fill: null, label: "Off duty" },
  };
  CAD.TYPE_LETTERS = {
    response_car: "R",
    foot_patrol: "F",
    dog: "D",
    armed_response: "A",
    traffic: "T",
    public_order: "P",
    fire_engine: "E",
    fire_truck: "L",
    ambulance: "M",
    fire_officer: "C",
  };
  CAD.THEMES = {
    day: {
      background: "#e4e7e2",
      ink: "#16181c",
      paper: "#ffffff",
      halo: "rgba(255,255,255,0.92)",
      boroughFill: "#f6f6f1",
      boroughLine: "#8d918c",
      boroughName: "#5c605b",
      tube: "#7a8290",
      trail: "rgba(22,24,28,0.45)",
      link: "#16181c",
      accuracy: "#16181c",
      select: "#16181c",
    },
    night: {
      background: "#0e1013",
      ink: "#eef0f2",
      paper: "#1b1e23",
      halo: "rgba(14,16,19,0.92)",
      boroughFill: "#1a1d22",
      boroughLine: "#4a505a",
      boroughName: "#8c929c",
      tube: "#5a6472",
      trail: "rgba(238,240,242,0.45)",
      link: "#eef0f2",
      accuracy: "#eef0f2",
      select: "#ffffff",
    },
  };
  CAD.theme = CAD.THEMES.day;
  CAD.LABEL_ZOOM = 14;

  // Zoom -> scale of every glyph: small dots for the whole force, symbols close in.
  function zoomScale(zoom) {
    if (zoom >= 15) return 1.7;
    if (zoom >= 14) return 1.5;
    if (zoom >= 12) return 1;
    return 0.8;
  }
  CAD.zoomScale = zoomScale;

  function tracePath(ctx, shape, x, y, s) {
    ctx.beginPath();
    if (shape === "triangle") {
      // Equal area to the others reads as smaller: lift it and widen it a little.
      ctx.moveTo(x, y - s * 1.25);
      ctx.lineTo(x + s * 1.15, y + s * 0.8);
      ctx.lineTo(x - s * 1.15, y + s * 0.8);
      ctx.closePath();
    } else if (shape === "diamond") {
      ctx.moveTo(x, y - s * 1.2);
      ctx.lineTo(x + s * 1.05, y);
      ctx.lineTo(x, y + s * 1.2);
      ctx.lineTo(x - s * 1.05, y);
      ctx.closePath();
    } else if (shape === "square") {
      ctx.rect(x - s, y - s, 2 * s, 2 * s);
    } else {
      ctx.arc(x, y, s, 0, Math.PI * 2, false);
    }
  }
  CAD.tracePath = tracePath;

  function drawGlyph(ctx, layer, zoom) {
    const o = layer.options;
    const t = CAD.theme;
    const p = layer._point;
    const s = layer._radius;
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
    tracePath(ctx, o.shape, p.x, p.y, s);
    if (o.fillColor) {
      ctx.fillStyle = o.fillColor;
      ctx.fill();
    } else if (o.hollow) {
      ctx.fillStyle = t.paper;
      ctx.fill();
    }
    ctx.lineWidth = o.weight;
    ctx.strokeStyle = t.ink;
    ctx.stroke();
    if (o.target) {
      ctx.beginPath();
      ctx.arc(p.x, p.y, Math.max(1.5, s * 0.35), 0, Math.PI * 2, false);
      ctx.fillStyle = t.ink;
      ctx.fill();
    }
    const close = zoom >= CAD.LABEL_ZOOM;
    if (o.letter && close) {
      ctx.font = "bold " + Math.round(s * 1.15) + "px sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.fillStyle = o.letterInk ? t.ink : "#ffffff";
      ctx.fillText(o.letter, p.x, p.y + 0.5);
    }
    if (o.text && (close || o.alwaysLabel)) {
      ctx.font = "600 11px sans-serif";
      ctx.textAlign = "left";
      ctx.textBaseline = "middle";
      ctx.lineJoin = "round";
      ctx.lineWidth = 3;
      ctx.strokeStyle = t.halo;
      ctx.strokeText(o.text, p.x + s + 3, p.y);
      ctx.fillStyle = t.ink;
      ctx.fillText(o.text, p.x + s + 3, p.y);
    }
  }

  // A canvas marker: a CircleMarker whose draw is ours, sized by zoom, with a label.
  L.CadGlyph = L.CircleMarker.extend({
    options: {
      shape: "circle",
      size: 5,
      weight: 1.2,
      letter: "",
      text: "",
      hollow: false,
      target: false,
      alwaysLabel: false,
    },

    _project: function () {
      this._radius = this.options.size * zoomScale(this._map.getZoom());
      L.CircleMarker.prototype._project.call(this);
    },

    _updateBounds: function () {
      const r = this._radius * 1.3 + this.options.weight + this._clickTolerance();
      const label = this.options.text ? 8 + this.options.text.length * 8 : 0;
      this._pxBounds = new L.Bounds(
        this._point.subtract([r, r]),
        this._point.add([r + label, r])
      );
    },

    _updatePath: function () {
      const renderer = this._renderer;
      if (!renderer._drawing || this._empty()) return;
      drawGlyph(renderer._ctx, this, this._map.getZoom());
    },

    _containsPoint: function (p) {
      return p.distanceTo(this._point) <= this._radius * 1.2 + this._clickTolerance();
    },

    /* Change look (and maybe size) in one redraw. */
    restyle: function (options) {
      L.setOptions(this, options);
      if (this._map) this.redraw();
      return this;
    },
  });

  function unitLook(rec) {
    const st = CAD.STATUSES[rec.st] || CAD.STATUSES.unavailable;
    return {
      shape: "circle",
      size: st.fill ? 4.5 : 3.5,
      fillColor: st.fill,
      hollow: !st.fill,
      letter: CAD.TYPE_LETTERS[rec.ty] || "",
      letterInk: !st.fill,
      text: rec.cs || "",
    };
  }

  function incidentLook(rec) {
    const g = CAD.GRADES[rec.g] || CAD.GRADES.scheduled;
    return {
      shape: g.shape,
      size: g.size,
      fillColor: g.fill,
      hollow: !g.fill,
      weight: 1.6,
      // The serial part of the reference ("LDN-20261123-0016" -> "0016"); hover for all.
      text: String(rec.ref || "").split("-").pop(),
    };
  }

  CAD.unitLook = unitLook;
  CAD.incidentLook = incidentLook;
})();
