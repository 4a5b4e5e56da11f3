/* paramatlas: the calculator on model pages.
   It evaluates the formulas of the Python engine (paramatlas.estimate) on numbers the build
   exports (api/calculator.json and the model's own block on its page), in the same order and
   with the same rounding, so every output equals `paramatlas estimate --json` for the same
   input; a browser test checks that over hundreds of inputs. Every output element carries
   data-pa-output (the JSON key) and data-value (the unrounded number). The inputs live in the
   query string, so a result can be shared as a link. Without JavaScript the calculator stays
   hidden and the page's static tables answer instead. */
(function () {
  "use strict";

  // -- Python's arithmetic -------------------------------------------------------------------

  // round(): halves go to the even neighbour.
  function pyRound(x) {
    var floor = Math.floor(x);
    var diff = x - floor;
    if (diff > 0.5) return floor + 1;
    if (diff < 0.5) return floor;
    return floor % 2 === 0 ? floor : floor + 1;
  }

  // a // b for floats, as CPython computes it (float_floor_div).
  function pyFloorDiv(a, b) {
    var mod = a % b;
    var div = (a - mod) / b;
    if (mod && (b < 0) !== (mod < 0)) div -= 1;
    if (!div) return 0;
    var floor = Math.floor(div);
    if (div - floor > 0.5) floor += 1;
    return floor;
  }

  // -- the engine ------------------------------------------------------------------------------

  function bitsForRest(model, quant, quants) {
    if (quant.applies_to === "all") return quant.bits;
    if (quant.other_weights && quants[quant.other_weights]) return quants[quant.other_weights].bits;
    var native = quants[model.native_precision || ""];
    if (native && native.applies_to === "all") return native.bits;
    return 16.0;
  }

  function weightBytes(model, quant, quants) {
    var p = model.params;
    var expertBits = quant.bits;
    var restBits = bitsForRest(model, quant, quants);
    function size(params, bits) { return pyRound(params * bits / 8); }
    var w = {
      embedding: size(p.embedding, restBits),
      ple_tables: size(p.ple_tables, restBits),
      routed_experts: size(p.routed_experts, expertBits),
      active_routed_experts: size(p.routed_experts_active, expertBits),
      dense: size(p.effective - p.embedding - p.routed_experts, restBits)
    };
    w.total = w.embedding + w.ple_tables + w.routed_experts + w.dense;
    w.read_per_token = w.dense + w.active_routed_experts;
    return w;
  }

  function kvCacheBytes(model, context, kvQuant, constants) {
    var c = model.cache;
    var bytesPerElement = kvQuant.bits / 8;
    var localTokens = c.window ? Math.min(context, c.window) : context;
    var elements = c.global_layers * c.global_elements_per_token * context +
      c.local_layers * c.local_elements_per_token * localTokens;
    var state = c.recurrent_layers * c.recurrent_state_elements * constants.state_bytes_per_element;
    return pyRound(elements * bytesPerElement) + state;
  }

  function overheadBytes(model, context, constants) {
    var micro = Math.min(constants.micro_batch_tokens, context);
    var activations = micro * model.overhead.widest * 4 * 2;
    var logits = micro * model.overhead.vocab_size * 4;
    var mask = micro * context * 2;
    return constants.runtime_base_bytes + activations + logits + mask;
  }

  function usableBytes(device, constants) {
    if (!device.custom) return device.usable_bytes;
    var installed = device.memory_bytes;
    switch (device.kind) {
      case "discrete-gpu": return installed - constants.display_reserve_bytes;
      case "datacenter": return installed;
      case "unified-memory":
        return Math.max(pyRound(installed * constants.unified_fraction),
          installed - constants.unified_os_reserve_bytes);
      case "cpu":
        return installed - Math.max(constants.cpu_os_reserve_bytes,
          pyRound(installed * constants.cpu_os_reserve_fraction));
      default: return pyRound(installed * constants.edge_fraction);
    }
  }

  function placement(fit, kind, offload, acc, host, accRead, hostRead, moved) {
    return { fit: fit, offload_kind: kind, offload: offload, accelerator_bytes: acc,
      host_bytes: host, accelerator_read_per_token: accRead, host_read_per_token: hostRead,
      moved_layers: moved };
  }

  function place(w, kv, overhead, layers, moeLayers, usable, host) {
    var everything = w.total + kv + overhead;
    var read = w.read_per_token + kv;
    if (everything <= usable) return placement("fits", null, null, everything, 0, read, 0, null);
    if (!host) return placement("no", null, null, everything, 0, read, 0, null);
    var hostUsable = host.usable_bytes;
    var lookups = w.embedding + w.ple_tables;
    var onDevice = everything - lookups;
    if (onDevice <= usable && lookups <= hostUsable) {
      var what = w.ple_tables ? "per-layer embedding tables" : "input embedding table";
      return placement("offload", "lookup-tables", what, onDevice, lookups, read, 0, null);
    }
    if (moeLayers && w.routed_experts) {
      var experts = offloadExperts(w, kv, overhead, moeLayers, usable, hostUsable);
      if (experts) return experts;
    }
    return offloadLayers(w, kv, overhead, layers, usable, hostUsable);
  }

  function offloadExperts(w, kv, overhead, moeLayers, usable, hostUsable) {
    var lookups = w.embedding + w.ple_tables;
    var fixed = w.dense + kv + overhead;
    var perLayer = w.routed_experts / moeLayers;
    var kept = usable > fixed ? Math.min(moeLayers, pyFloorDiv(usable - fixed, perLayer)) : -1;
    if (kept < 0) return null;
    var moved = moeLayers - kept;
    var movedBytes = pyRound(perLayer * moved);
    if (movedBytes + lookups > hostUsable) return null;
    var activePerLayer = w.active_routed_experts / moeLayers;
    return placement("offload", "experts",
      "routed experts of " + moved + " of " + moeLayers + " MoE layers",
      fixed + pyRound(perLayer * kept), movedBytes + lookups,
      w.dense + kv + pyRound(activePerLayer * kept), pyRound(activePerLayer * moved),
      [moved, moeLayers]);
  }

  function offloadLayers(w, kv, overhead, layers, usable, hostUsable) {
    var lookups = w.embedding + w.ple_tables;
    var perLayer = (w.dense + w.routed_experts + kv) / layers;
    var readPerLayer = (w.read_per_token + kv) / layers;
    var kept = usable > overhead ? Math.min(layers, pyFloorDiv(usable - overhead, perLayer)) : 0;
    var moved = layers - kept;
    var hostBytes = pyRound(perLayer * moved) + lookups;
    if (kept < 1 || hostBytes > hostUsable) {
      return placement("no", null, null, w.total + kv + overhead, 0, w.read_per_token + kv, 0, null);
    }
    return placement("offload", "layers", moved + " of " + layers + " layers",
      overhead + pyRound(perLayer * kept), hostBytes,
      pyRound(readPerLayer * kept), pyRound(readPerLayer * moved), [moved, layers]);
  }

  function speedGroup(shared, device) {
    var groups = shared.speed.groups;
    return groups[device.group] || shared.speed.pooled;
  }

  function hostFor(shared, device) {
    if (device.kind === "datacenter") return shared.hosts.server || shared.hosts.desktop || null;
    if (device.kind === "discrete-gpu") return shared.hosts.desktop || shared.hosts.server || null;
    return null;  // one memory: nothing to offload to
  }

  function plan(model, shared, input, context) {
    var weights = weightBytes(model, input.quant, shared.quants);
    var kv = kvCacheBytes(model, context, input.kv, shared.constants);
    var overhead = overheadBytes(model, context, shared.constants) * input.gpus;
    var result = { weights: weights, kv: kv, overhead: overhead, placement: null };
    if (input.device) {
      var usable = usableBytes(input.device, shared.constants) * input.gpus;
      result.placement = place(weights, kv, overhead, model.layers, model.moe_layers, usable,
        hostFor(shared, input.device));
    }
    return result;
  }

  function longestContext(model, shared, input) {
    function fits(context) {
      var p = plan(model, shared, input, context);
      return p.placement && p.placement.fit === "fits";
    }
    if (!fits(1)) return 0;
    var low = 1;
    var high = model.max_context;
    while (low < high) {
      var middle = Math.floor((low + high + 1) / 2);
      if (fits(middle)) low = middle; else high = middle - 1;
    }
    return low;
  }

  function estimate(model, shared, input) {
    var p = plan(model, shared, input, input.context);
    var w = p.weights;
    var out = {
      weights_bytes: w.total, kv_cache_bytes: p.kv, overhead_bytes: p.overhead,
      total_bytes: w.total + p.kv + p.overhead, accelerator_bytes: null, host_bytes: null,
      fit: null, offload: null, max_context: null, decode_tokens_per_s: null,
      decode_tokens_per_s_range: null, decode_tokens_per_s_bound: null,
      prefill_tokens_per_s: null, prefill_tokens_per_s_range: null, group: null, host: null
    };
    var device = input.device;
    var at = p.placement;
    if (!device || !at) return out;
    out.accelerator_bytes = at.accelerator_bytes;
    out.host_bytes = at.host_bytes;
    out.fit = at.fit;
    out.offload = at.offload;
    out.max_context = longestContext(model, shared, input);
    var host = hostFor(shared, device);
    out.host = at.host_bytes && host ? host : null;
    if (at.fit === "no") return out;
    var group = speedGroup(shared, device);
    out.group = group;
    var rate = device.bandwidth_gb_s * shared.constants.gb;
    var kvOnDevice = Math.min(p.kv, at.accelerator_read_per_token);
    var weightSeconds = (at.accelerator_read_per_token - kvOnDevice) / rate;
    var kvSeconds = kvOnDevice / rate;
    var hostSeconds = at.host_read_per_token
      ? at.host_read_per_token / (host.bandwidth_gb_s * shared.constants.gb) : 0.0;
    var peak = weightSeconds + kvSeconds + hostSeconds;
    var bound = 1 / peak;
    var seconds = weightSeconds / group.efficiency + kvSeconds / group.kv_efficiency +
      model.layers * group.layer_seconds + model.moe_layers * group.moe_layer_seconds;
    seconds = seconds + hostSeconds / shared.speed.host_efficiency;
    var decode = Math.min(bound, 1 / seconds);
    out.decode_tokens_per_s = decode;
    out.decode_tokens_per_s_bound = bound;
    out.decode_tokens_per_s_range = [Math.min(bound, decode * group.spread[0]),
      Math.min(bound, decode * group.spread[1])];
    if (device.fp16_tflops && group.prefill_utilisation) {
      var multiplied = model.params.active - model.params.embedding;
      var attention = 2 * 2 * model.layers * model.attention_width * (input.context / 2);
      var flops = 2 * multiplied + attention;
      var prefill = device.fp16_tflops * 1e12 / flops;
      prefill = prefill * group.prefill_utilisation;
      out.prefill_tokens_per_s = prefill;
      if (group.prefill_spread) {
        out.prefill_tokens_per_s_range = [prefill * group.prefill_spread[0],
          prefill * group.prefill_spread[1]];
      }
    }
    return out;
  }

  // -- the page --------------------------------------------------------------------------------

  var GIB = 1073741824;
  function gib(bytes) { return (bytes / GIB).toFixed(2) + " GiB"; }
  function speed(value) { return value >= 10 ? value.toFixed(0) : value.toFixed(1); }
  function tokens(value) { return value.toLocaleString("en-US"); }

  function readInput(form, model, shared) {
    var errors = [];
    var deviceId = form.elements.device.value;
    var device = null;
    form.querySelector(".pa-custom").hidden = deviceId !== "custom";
    if (deviceId === "custom") {
      var mem = parseFloat(form.elements.mem.value);
      var bw = parseFloat(form.elements.bw.value);
      if (!(mem > 0)) errors.push("Give the custom device's memory in GiB.");
      if (!(bw > 0)) errors.push("Give the custom device's memory bandwidth in GB/s.");
      device = { custom: true, id: "custom", name: "Custom device", kind: form.elements.kind.value,
        memory_bytes: pyRound(mem * shared.constants.gib), bandwidth_gb_s: bw, fp16_tflops: null,
        group: form.elements.kind.value === "cpu" || form.elements.kind.value === "edge-soc"
          ? "CPU" : "unknown" };
    } else if (deviceId) {
      device = shared.devices[deviceId] || null;
      if (!device) errors.push("Unknown device " + deviceId + ".");
    }
    var gpus = parseInt(form.elements.gpus.value, 10) || 1;
    var multiGpu = device && (device.kind === "discrete-gpu" || device.kind === "datacenter");
    form.elements.gpus.disabled = !multiGpu;
    if (!multiGpu) gpus = 1;
    if (gpus < 1 || gpus > 16) errors.push("GPUs: 1 to 16.");
    var context = parseInt(form.elements.context.value, 10);
    if (!(context >= 1)) errors.push("Give the context as a whole number of tokens.");
    else if (model.context_length && context > model.max_context) {
      errors.push(model.name + " supports at most " + tokens(model.max_context) + " tokens of context.");
    }
    var quant = shared.quants[form.elements.quant.value];
    var kv = shared.quants[form.elements.kv.value];
    return { errors: errors, device: device, gpus: gpus, context: context, quant: quant, kv: kv };
  }

  function show(root, key, value, text) {
    var element = root.querySelector('[data-pa-output="' + key + '"]');
    if (!element) return;
    element.setAttribute("data-value", value === null || value === undefined ? "" : String(value));
    element.textContent = text;
    var row = element.previousElementSibling;
    var hidden = value === null || value === undefined;
    element.hidden = hidden;
    if (row) row.hidden = hidden;
  }

  function render(root, form, model, shared) {
    var input = readInput(form, model, shared);
    var message = root.querySelector(".pa-calculator-message");
    var note = root.querySelector(".pa-calculator-note");
    writeQuery(form);
    if (input.errors.length) {
      message.textContent = input.errors.join(" ");
      root.querySelector(".pa-calculator-outputs").hidden = true;
      return;
    }
    root.querySelector(".pa-calculator-outputs").hidden = false;
    var r = estimate(model, shared, input);
    var where = input.device ? (input.gpus > 1 ? input.gpus + " × " : "") + input.device.name : "no device";
    message.textContent = model.name + " at " + input.quant.id + ", " + tokens(input.context) +
      " tokens of context (KV cache " + input.kv.id + ") on " + where + ". Sizes in GiB (2^30 bytes); all figures are estimates.";
    show(root, "fit", r.fit, r.fit || "");
    show(root, "offload", r.offload, r.offload ? r.offload + (r.host ? " on " + r.host.name : "") : "");
    ["weights_bytes", "kv_cache_bytes", "overhead_bytes", "total_bytes", "accelerator_bytes", "host_bytes"]
      .forEach(function (key) { show(root, key, r[key], r[key] === null ? "" : gib(r[key])); });
    show(root, "max_context", r.max_context, r.max_context === null ? "" :
      (r.max_context ? tokens(r.max_context) + " tokens" : "does not fit fully at any length"));
    show(root, "decode_tokens_per_s", r.decode_tokens_per_s, r.decode_tokens_per_s === null ? "" :
      "~" + speed(r.decode_tokens_per_s) + " (" + speed(r.decode_tokens_per_s_range[0]) + "–" +
      speed(r.decode_tokens_per_s_range[1]) + ")");
    show(root, "decode_tokens_per_s_bound", r.decode_tokens_per_s_bound,
      r.decode_tokens_per_s_bound === null ? "" : speed(r.decode_tokens_per_s_bound));
    show(root, "prefill_tokens_per_s", r.prefill_tokens_per_s, r.prefill_tokens_per_s === null ? "" :
      "~" + speed(r.prefill_tokens_per_s) + (r.prefill_tokens_per_s_range ? " (" +
      speed(r.prefill_tokens_per_s_range[0]) + "–" + speed(r.prefill_tokens_per_s_range[1]) + ")" : ""));
    var notes = [];
    if (r.fit === "no") notes.push("Does not fit even with offload: try a smaller format, a shorter context or more GPUs.");
    if (r.group && !r.group.calibrated) notes.push("Speed uncalibrated: no published results for this backend, so the range is wider.");
    if (r.decode_tokens_per_s !== null) notes.push("Decode is quoted at this context; it slows as the context fills.");
    if (input.gpus > 1) notes.push("Several GPUs split the layers (llama.cpp's default): they add memory, not decode speed.");
    note.textContent = notes.join(" ");
  }

  var FIELDS = ["device", "gpus", "quant", "context", "kv", "mem", "bw", "kind"];

  function readQuery(form) {
    var params = new URLSearchParams(window.location.search);
    if (!params.get("device") && params.get("mem")) params.set("device", "custom");
    FIELDS.forEach(function (name) {
      var value = params.get(name);
      var field = form.elements[name];
      if (value === null || !field) return;
      if (field.tagName === "SELECT" && !field.querySelector('option[value="' + CSS.escape(value) + '"]')) return;
      field.value = value;
    });
  }

  function writeQuery(form) {
    var params = new URLSearchParams(window.location.search);
    FIELDS.forEach(function (name) { params.delete(name); });
    var device = form.elements.device.value;
    if (device && device !== "custom") params.set("device", device);
    if (device === "custom") ["mem", "bw", "kind"].forEach(function (name) {
      if (form.elements[name].value) params.set(name, form.elements[name].value);
    });
    if (!form.elements.gpus.disabled && form.elements.gpus.value !== "1") params.set("gpus", form.elements.gpus.value);
    ["quant", "context", "kv"].forEach(function (name) { params.set(name, form.elements[name].value); });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    window.history.replaceState(window.history.state, "", url);
  }

  function start(root, shared) {
    var model = JSON.parse(root.querySelector(".pa-calculator-model").textContent);
    var form = root.querySelector("form");
    readQuery(form);
    root.hidden = false;
    form.addEventListener("input", function () { render(root, form, model, shared); });
    form.addEventListener("change", function () { render(root, form, model, shared); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    render(root, form, model, shared);
  }

  var sharedData = {};
  function load(url) {
    if (!sharedData[url]) {
      sharedData[url] = fetch(url).then(function (response) { return response.json(); })
        .then(function (data) {
          var quants = {};
          data.quantizations.forEach(function (q) { quants[q.id] = q; });
          var devices = {};
          data.devices.forEach(function (d) { devices[d.id] = d; });
          data.quants = quants;
          data.devices = devices;
          return data;
        });
    }
    return sharedData[url];
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".pa-calculator"), function (root) {
      if (root.dataset.paStarted) return;
      root.dataset.paStarted = "1";
      var url = new URL(root.dataset.api, window.location.href).href;
      load(url).then(function (shared) { start(root, shared); }).catch(function () {
        root.hidden = true;  // the static tables above still answer
      });
    });
  }

  window.paramatlasCalculator = { estimate: estimate, pyRound: pyRound, pyFloorDiv: pyFloorDiv };
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
