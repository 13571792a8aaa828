/* Canvas overlays that draw many things in one pass: unit trails, incident-to-unit links,
   and the 24-hour incident heat layer.

   One canvas per overlay, redrawn whole after each batch and each move or zoom: one path
   for 2,000 trails is far cheaper than 2,000 Leaflet polylines. The heat layer is our own
   (alpha blobs on a hidden canvas, then coloured through a palette), so the page needs no
   plugin and no network. */
(function () {
  "use strict";
  const CAD = (window.CAD = window.CAD || {});

  L.CadCanvasOverlay = L.Layer.extend({
    options: { pane: "overlayPane", scale: 0, readback: false },

    initialize: function (draw, options) {
      this._drawFn = draw;
      L.setOptions(this, options);
    },

    onAdd: function (map) {
      this._canvas = L.DomUtil.create("canvas", "cad-overlay leaflet-zoom-hide");
      this.getPane().appendChild(this._canvas);
      map.on("moveend zoomend resize viewreset", this._reset, this);
      this._reset();
    },

    onRemove: function (map) {
      map.off("moveend zoomend resize viewreset", this._reset, this);
      L.DomUtil.remove(this._canvas);
      this._canvas = null;
    },

    redraw: function () {
      if (this._map && this._canvas) this._draw();
      return this;
    },

    _reset: function () {
      const size = this._map.getSize();
      const ratio = this.options.scale || window.devicePixelRatio || 1;
      this._ratio = ratio;
      this._canvas.width = Math.round(size.x * ratio);
      this._canvas.height = Math.round(size.y * ratio);
      this._canvas.style.width = size.x + "px";
      this._canvas.style.height = size.y + "px";
      L.DomUtil.setPosition(this._canvas, this._map.containerPointToLayerPoint([0, 0]));
      this._draw();
    },

    _draw: function () {
      // The heat layer reads its pixels back to colour them: tell the canvas up front.
      const ctx = this._canvas.getContext("2d", { willReadFrequently: this.options.readback });
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, this._canvas.width, this._canvas.height);
      ctx.setTransform(this._ratio, 0, 0, this._ratio, 0, 0);
      this._drawFn(ctx, this._map, this._canvas);
    },
  });

  // ---------------------------------------------------------------- trails and links

  CAD.drawTrails = function (trails, units) {
    return function (ctx, map) {
      // Below zoom 12 a unit's last few reports are a pixel or two apart: skip the work.
      if (map.getZoom() < 12) return;
      ctx.beginPath();
      for (const [id, points] of trails) {
        const unit = units.get(id);
        if (!unit || points.length < 1) continue;
        let p = map.latLngToContainerPoint(points[0]);
        ctx.moveTo(p.x, p.y);
        for (let i = 1; i < points.length; i++) {
          p = map.latLngToContainerPoint(points[i]);
          ctx.lineTo(p.x, p.y);
        }
        p = map.latLngToContainerPoint([unit.lat, unit.lon]);
        ctx.lineTo(p.x, p.y);
      }
      ctx.lineWidth = 1.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = CAD.theme.trail;
      ctx.stroke();
    };
  };

  CAD.drawLinks = function (links, units, incidents) {
    return function (ctx, map) {
      ctx.beginPath();
      for (const link of links.values()) {
        const u = units.get(link.u);
        const i = incidents.get(link.i);
        if (!u || !i) continue;
        const a = map.latLngToContainerPoint([i.lat, i.lon]);
        const b = map.latLngToContainerPoint([u.lat, u.lon]);
        ctx.moveTo(a.x, a.y);
        ctx.lineTo(b.x, b.y);
      }
      ctx.setLineDash([6, 4]);
      ctx.lineWidth = 2;
      ctx.strokeStyle = CAD.theme.link;
      ctx.stroke();
      ctx.setLineDash([]);
    };
  };

  // ---------------------------------------------------------------- heat

  // ColorBrewer "Purples": one hue from light to deep, apart from the grade and status
  // colours, read by lightness alone (so also in any colour-vision deficiency).
  const HEAT_STOPS = [
    [0.0, [158, 154, 200]],
    [0.5, [117, 107, 177]],
    [1.0, [63, 0, 125]],
  ];
  const PALETTE = (function () {
    const out = new Uint8ClampedArray(256 * 3);
    for (let i = 0; i < 256; i++) {
      const f = i / 255;
      let k = 0;
      while (k < HEAT_STOPS.length - 2 && f > HEAT_STOPS[k + 1][0]) k++;
      const [f0, c0] = HEAT_STOPS[k];
      const [f1, c1] = HEAT_STOPS[k + 1];
      const w = Math.min(1, Math.max(0, (f - f0) / (f1 - f0)));
      for (let c = 0; c < 3; c++) out[i * 3 + c] = c0[c] + (c1[c] - c0[c]) * w;
    }
    return out;
  })();
  const blobs = new Map();

  function blob(radius) {
    let canvas = blobs.get(radius);
    if (!canvas) {
      canvas = document.createElement("canvas");
      canvas.width = canvas.height = radius * 2;
      const ctx = canvas.getContext("2d");
      const g = ctx.createRadialGradient(radius, radius, 0, radius, radius, radius);
      g.addColorStop(0, "rgba(0,0,0,1)");
      g.addColorStop(1, "rgba(0,0,0,0)");
      ctx.fillStyle = g;
      ctx.fillRect(0, 0, radius * 2, radius * 2);
      blobs.set(radius, canvas);
    }
    return canvas;
  }

  const DAY_MS = 24 * 3600 * 1000;

  CAD.drawHeat = function (points) {
    return function (ctx, map, canvas) {
      const radius = Math.round(Math.min(60, Math.max(10, 14 * Math.pow(1.6, map.getZoom() - 11))));
      const stamp = blob(radius);
      const now = Date.now();
      const w = canvas.width;
      const h = canvas.height;
      let drawn = 0;
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      for (const [lat, lon, t] of points.values()) {
        const age = now - t;
        if (age > DAY_MS) continue;
        const p = map.latLngToContainerPoint([lat, lon]);
        if (p.x < -radius || p.y < -radius || p.x > w + radius || p.y > h + radius) continue;
        // Recent incidents weigh more than those of this time yesterday.
        ctx.globalAlpha = 0.35 + 0.4 * (1 - Math.max(0, age) / DAY_MS);
        ctx.drawImage(stamp, p.x - radius, p.y - radius);
        drawn++;
      }
      ctx.restore();
      if (!drawn) return;
      const image = ctx.getImageData(0, 0, w, h);
      const data = image.data;
      for (let i = 0; i < data.length; i += 4) {
        const a = data[i + 3];
        if (!a) continue;
        data[i] = PALETTE[a * 3];
        data[i + 1] = PALETTE[a * 3 + 1];
        data[i + 2] = PALETTE[a * 3 + 2];
        data[i + 3] = Math.min(150, a * 0.75);
      }
      ctx.putImageData(image, 0, 0);
    };
  };
})();
