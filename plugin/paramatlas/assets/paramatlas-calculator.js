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
      dense: size(p.effective - p.embedding - p.routed_experts, restBits),
      // A head tied to the embedding: stored once, read in full every token.
      tied_head: size(p.tied_head, restBits)
    };
    w.total = w.embedding + w.ple_tables + w.routed_experts + w.dense;
    w.read_per_token = w.dense + w.active_routed_experts + w.tied_head;
    return w;
  }

  function kvCacheBytes(model, context, kvQuant, constants) {
    var c = model.cache;
    var bytesPerElement = kvQuant.bits / 8;
    var localTokens = c.window ? Math.min(context, c.window) : context;
    var elements = c.global_layers * c.global_elements_per_token * context +
      c.local_layers * c.local_elements_per_token * localTokens;
    (c.compressed || []).forEach(function (group) {
      elements += group.layers * Math.floor(context / group.ratio) * group.elements_per_entry;
    });
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
    var onDevice = everything - lookups + w.tied_head;
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
    var fixed = w.dense + w.tied_head + kv + overhead;
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
      w.dense + w.tied_head + kv + pyRound(activePerLayer * kept), pyRound(activePerLayer * moved),
      [moved, moeLayers]);
  }

  function offloadLayers(w, kv, overhead, layers, usable, hostUsable) {
    var lookups = w.embedding + w.ple_tables;
    var perLayer = (w.dense + w.tied_head + w.routed_experts + kv) / layers;
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
      prefill_tokens_per_s: null, prefill_tokens_per_s_range: null, weights_stream: false,
      cpu_prompts: false,
      group: null, host: null
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
    // On the CPU backend the cores may be slower than the memory (speed.core_factor).
    var cores = group.core_gb_s && device.cpu_cores
      ? Math.max(1, device.bandwidth_gb_s / (device.cpu_cores * group.core_gb_s)) : 1;
    var devicePart = cores * weightSeconds / group.efficiency + cores * kvSeconds / group.kv_efficiency +
      model.layers * group.layer_seconds + model.moe_layers * group.moe_layer_seconds +
      model.delta_layers * group.delta_layer_seconds + model.mla_layers * group.mla_layer_seconds;
    var hostPart = hostSeconds / shared.speed.host_efficiency;
    var decode = Math.min(bound, 1 / (devicePart + hostPart));
    out.decode_tokens_per_s = decode;
    out.decode_tokens_per_s_bound = bound;
    // Each part varies as its own calibration measured: the device's by its group's spread,
    // the part in system RAM by the CPU backend's.
    var hostSpread = shared.speed.host_spread;
    out.decode_tokens_per_s_range = [
      Math.min(bound, 1 / (devicePart / group.spread[0] + hostPart / hostSpread[0])),
      Math.min(bound, 1 / (devicePart / group.spread[1] + hostPart / hostSpread[1]))];
    // Experts or layers in system RAM are copied to the GPU for every batch of prompt tokens:
    // prompt speed then follows the PCIe link, which the model does not describe.
    var streams = at.offload_kind === "experts" || at.offload_kind === "layers";
    out.weights_stream = streams;
    out.cpu_prompts = !!device.cpu_backend;
    var prefill = streams ? null : prefillSpeed(model, shared, device, input);
    if (prefill) {
      out.prefill_tokens_per_s = prefill.speed;
      out.prefill_tokens_per_s_range = prefill.range;
    }
    return out;
  }

  // Prompt processing: matrix FLOPs at the device's INT8 peak (integer-quantized weights on a
  // backend with integer kernels) or FP16 peak, routed experts at their fitted cost, recurrent
  // layers at their fitted FLOP-equivalent; the utilisation of the device's backend and kind
  // (and, with integer kernels, of the peak they run on).
  function prefillSpeed(model, shared, device, input) {
    // The CPU backend computes prompts on the CPU cores: no matrix figure describes them.
    if (device.cpu_backend) return null;
    var fitted = shared.prefill;
    var integer = device.integer_matmul && input.quant.integer_matmul && device.int8_tops;
    var peak = integer ? device.int8_tops * 1e12
      : (device.fp16_tflops ? device.fp16_tflops * 1e12 : 0);
    if (!fitted || !peak) return null;
    // On a backend with integer kernels the group names the peak too, as in Python.
    var name = device.integer_matmul
      ? device.prefill_group + (integer ? " INT8" : " FP16") : device.prefill_group;
    var group = fitted.groups[name] || fitted.pooled;
    var multiplied = model.params.active - model.params.embedding + model.params.tied_head;
    var attention = 2 * 2 * model.layers * model.attention_width * (input.context / 2);
    var experts = 2 * model.params.routed_experts_active;
    var dense = 2 * multiplied + attention - experts;
    var operations = dense + experts * fitted.expert_cost +
      model.recurrent_layers * fitted.recurrent_layer_flops;
    var seconds = operations / (peak * group.utilisation);
    var speed = 1 / seconds;
    return { speed: speed, range: [speed * group.spread[0], speed * group.spread[1]] };
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
    var decodeOut = root.querySelector('[data-pa-output="decode_tokens_per_s"]');
    if (decodeOut) decodeOut.setAttribute("data-range",
      r.decode_tokens_per_s_range ? r.decode_tokens_per_s_range.join(" ") : "");
    show(root, "decode_tokens_per_s_bound", r.decode_tokens_per_s_bound,
      r.decode_tokens_per_s_bound === null ? "" : speed(r.decode_tokens_per_s_bound));
    show(root, "prefill_tokens_per_s", r.prefill_tokens_per_s, r.prefill_tokens_per_s === null ? "" :
      "~" + speed(r.prefill_tokens_per_s) + (r.prefill_tokens_per_s_range ? " (" +
      speed(r.prefill_tokens_per_s_range[0]) + "–" + speed(r.prefill_tokens_per_s_range[1]) + ")" : ""));
    var notes = [];
    if (r.fit === "no") notes.push("Does not fit even with offload: try a smaller format, a shorter context or more GPUs.");
    if (r.group && !r.group.calibrated) notes.push("Speed uncalibrated: no published results for this backend, so the range is wider.");
    if (r.decode_tokens_per_s !== null) notes.push("Decode is quoted at this context; it slows as the context fills.");
    if (r.cpu_prompts) notes.push("No prompt-speed estimate: llama.cpp's CPU backend computes prompts on the CPU cores, for which the data has no matrix figure.");
    if (r.weights_stream) notes.push("No prompt-speed estimate: with experts or layers in system RAM, llama.cpp copies them to the GPU for each batch of prompt tokens, so prompt speed follows the PCIe link.");
    if (input.gpus > 1) notes.push("Several GPUs split the layers (llama.cpp's default): they add memory, not decode speed.");
    note.textContent = notes.join(" ");
  }

  var FIELDS = ["device", "gpus", "quant", "context", "kv", "mem", "bw", "kind"];

  function readQuery(form, fields) {
    var params = new URLSearchParams(window.location.search);
    if (!params.get("device") && params.get("mem")) params.set("device", "custom");
    (fields || FIELDS).forEach(function (name) {
      var value = params.get(name);
      var field = form.elements[name];
      if (value === null || !field) return;
      if (field.tagName === "SELECT" && !field.querySelector('option[value="' + CSS.escape(value) + '"]')) return;
      field.value = value;
    });
  }

  function writeQuery(form, fields) {
    fields = fields || FIELDS;
    var params = new URLSearchParams(window.location.search);
    fields.forEach(function (name) { params.delete(name); });
    var device = form.elements.device.value;
    if (device && device !== "custom") params.set("device", device);
    if (device === "custom") ["mem", "bw", "kind"].forEach(function (name) {
      if (form.elements[name] && form.elements[name].value) params.set(name, form.elements[name].value);
    });
    if (form.elements.gpus && !form.elements.gpus.disabled && form.elements.gpus.value !== "1") {
      params.set("gpus", form.elements.gpus.value);
    }
    ["quant", "context", "kv"].forEach(function (name) {
      if (fields.indexOf(name) >= 0 && form.elements[name]) params.set(name, form.elements[name].value);
    });
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

  // -- the recommended setting (render/guidance.py, Guide.best) -------------------------------

  function fitsFully(result) { return result.fit === "fits"; }

  function usable(result, c) {
    if (!result.fit || result.fit === "no") return false;
    if (result.fit === "offload" && c.recommended_offload.indexOf(result.offload_kind) < 0) return false;
    return result.decode_tokens_per_s !== null && result.decode_tokens_per_s >= c.usable_tokens_per_s;
  }

  function recommend(model, shared, device, gpus, context) {
    var c = shared.constants;
    var kv = shared.quants[c.default_kv_quant];
    function run(quantId) {
      var input = { device: device, gpus: gpus, context: context, quant: shared.quants[quantId], kv: kv };
      var result = estimate(model, shared, input);
      var p = plan(model, shared, input, context);
      result.offload_kind = p.placement ? p.placement.offload_kind : null;
      result.moved_layers = p.placement ? p.placement.moved_layers : null;
      result.quant = quantId;
      return result;
    }
    var candidates = model.recommended;
    var results = candidates.map(run);
    var bestFit = null;
    results.forEach(function (r) { if (!bestFit && fitsFully(r)) bestFit = r; });
    var fourBits = results.filter(function (r) { return shared.quants[r.quant].bits >= c.min_recommended_bits; });
    var ok = fourBits.filter(function (r) { return usable(r, c); });
    var fitting = ok.filter(fitsFully);
    var smallestFirst = ok.slice().sort(function (a, b) { return shared.quants[a.quant].bits - shared.quants[b.quant].bits; });
    var usual = smallestFirst.filter(function (r) { return shared.quants[r.quant].bits >= c.usual_four_bits; });
    var chosen = (fitting.length ? fitting : usual.length ? usual : smallestFirst)[0] || null;
    if (!chosen && bestFit) chosen = bestFit;
    if (!chosen) {
      var order = results.filter(function (r) { return c.offload_quants.indexOf(r.quant) >= 0; });
      if (!order.length) order = results.slice(-1);
      order.forEach(function (r) { if (!chosen && r.fit === "offload") chosen = r; });
    }
    return chosen;
  }

  function short(result) {
    if (result.fit !== "offload") return result.fit;
    if (!result.moved_layers) return "embeddings in RAM";
    var what = result.offload_kind === "experts" ? "experts of " : "";
    return what + result.moved_layers[0] + "/" + result.moved_layers[1] + " layers in RAM";
  }

  function count(value, approximate) {
    var units = [[1e12, "T"], [1e9, "B"], [1e6, "M"]];
    for (var i = 0; i < units.length; i++) {
      if (value >= units[i][0]) {
        var n = value / units[i][0];
        var text = n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1).replace(/\.0$/, "") : n.toFixed(2).replace(/0$/, "").replace(/\.0$/, "");
        return (approximate ? "~" : "") + text + units[i][1];
      }
    }
    return String(value);
  }

  function deviceFromForm(form, shared) {
    var id = form.elements.device.value;
    if (form.querySelector(".pa-custom")) form.querySelector(".pa-custom").hidden = id !== "custom";
    if (id !== "custom") return shared.devices[id] || null;
    var mem = parseFloat(form.elements.mem.value);
    var bw = parseFloat(form.elements.bw.value);
    if (!(mem > 0) || !(bw > 0)) return null;
    var kind = form.elements.kind.value;
    return { custom: true, id: "custom", name: "Custom device", kind: kind,
      memory_bytes: pyRound(mem * shared.constants.gib), bandwidth_gb_s: bw, fp16_tflops: null,
      group: kind === "cpu" || kind === "edge-soc" ? "CPU" : "unknown" };
  }

  function modelHref(root, id) { return root.dataset.modelLink.replace("MODELID", id); }

  function startRunner(root, shared, models) {
    var form = root.querySelector(".pa-calculator-form");
    var filter = root.querySelector(".pa-tools");
    var body = root.querySelector("tbody");
    var headers = root.querySelector("thead").rows[0].cells;
    var message = root.querySelector(".pa-calculator-message");
    readQuery(form, ["device", "gpus", "context", "mem", "bw", "kind"]);
    window.paramatlasTables && window.paramatlasTables.makeSortable(root.querySelector("table"));
    function applyFilter() {
      var text = filter.elements.filter.value.toLowerCase();
      var verdict = filter.elements.verdict.value;
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var visible = row.dataset.name.indexOf(text) >= 0 && (!verdict || row.dataset.fit === verdict);
        row.hidden = !visible;
        if (visible) shown++;
      });
      filter.querySelector("output").value = shown + " of " + body.rows.length + " shown";
    }
    function update() {
      var device = deviceFromForm(form, shared);
      var multi = device && (device.kind === "discrete-gpu" || device.kind === "datacenter");
      form.elements.gpus.disabled = !multi;
      var gpus = multi ? Math.max(1, Math.min(16, parseInt(form.elements.gpus.value, 10) || 1)) : 1;
      var context = parseInt(form.elements.context.value, 10);
      writeQuery(form, ["device", "gpus", "context", "mem", "bw", "kind"], { gpus: gpus > 1 });
      body.textContent = "";
      if (!device || !(context >= 1)) {
        message.textContent = "Choose a device (or give a custom one's memory and bandwidth) and a context.";
        return;
      }
      var rows = 0;
      models.forEach(function (model) {
        if (model.context_length && context > model.max_context) return;
        var r = recommend(model, shared, device, gpus, context);
        if (!r || r.fit === "no" || !r.fit) return;
        var longest = longestContext(model, shared, { device: device, gpus: gpus,
          quant: shared.quants[r.quant], kv: shared.quants[shared.constants.default_kv_quant] });
        var tr = body.insertRow();
        tr.dataset.name = model.name.toLowerCase();
        tr.dataset.fit = r.fit;
        tr.dataset.model = model.id;
        var link = document.createElement("a");
        link.href = modelHref(root, model.id);
        link.textContent = model.name;
        tr.insertCell().appendChild(link);
        var cells = [count(model.counts.total, model.counts.approximate.total),
          count(model.counts.active, model.counts.approximate.active), r.quant, short(r),
          r.decode_tokens_per_s === null ? "—" : "~" + speed(r.decode_tokens_per_s) + " (" +
            speed(r.decode_tokens_per_s_range[0]) + "–" + speed(r.decode_tokens_per_s_range[1]) + ")",
          longest ? tokens(longest) : "—"];
        cells.forEach(function (text, index) {
          var cell = tr.insertCell();
          cell.textContent = text;
          cell.dataset.label = headers[index + 1].textContent;
          if (index === 0 || index === 1 || index >= 4) cell.style.textAlign = "right";
        });
        tr.cells[3].dataset.paOutput = "quant";
        tr.cells[3].dataset.value = r.quant;
        tr.cells[5].dataset.paOutput = "decode_tokens_per_s";
        tr.cells[5].dataset.value = r.decode_tokens_per_s === null ? "" : String(r.decode_tokens_per_s);
        rows++;
      });
      var where = (gpus > 1 ? gpus + " × " : "") + device.name;
      message.textContent = rows + " of " + models.length + " models run on " + where + " at " +
        tokens(context) + " tokens of context (KV cache " + shared.constants.default_kv_quant + "). Estimates.";
      applyFilter();
    }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    filter.addEventListener("input", applyFilter);
    [form, filter].forEach(function (f) { f.addEventListener("submit", function (e) { e.preventDefault(); }); });
    root.hidden = false;
    update();
  }

  var COMPARE_ROWS = [
    ["Total", function (m) { return count(m.counts.total, m.counts.approximate.total); }],
    ["E (Effective)", function (m) { return count(m.counts.effective, m.counts.approximate.effective); }],
    ["A (Active)", function (m) { return count(m.counts.active, m.counts.approximate.active); }],
    ["PLE tables", function (m) { return m.counts.ple ? count(m.counts.ple, true) : "—"; }],
    ["Architecture", function (m) { return m.architecture; }],
    ["Layers", function (m) { return String(m.layers); }],
    ["Longest context", function (m) { return tokens(m.max_context); }]
  ];

  function startCompare(root, shared, models) {
    var byId = {};
    models.forEach(function (m) { byId[m.id] = m; });
    var form = root.querySelector(".pa-calculator-form");
    var table = root.querySelector(".pa-compare-table");
    var message = root.querySelector(".pa-calculator-message");
    var params = new URLSearchParams(window.location.search);
    var chosen = (params.get("models") || "").split(",").filter(function (id) { return byId[id]; }).slice(0, 4);
    readQuery(form, ["device", "quant", "context"]);
    function update() {
      var extra = {};
      var query = new URLSearchParams(window.location.search);
      query.set("models", chosen.join(","));
      window.history.replaceState(window.history.state, "", window.location.pathname + "?" + query.toString());
      writeQuery(form, ["device", "quant", "context"], extra);
      table.textContent = "";
      form.elements.add.disabled = chosen.length >= 4;
      if (chosen.length < 2) {
        message.textContent = "Add " + (2 - chosen.length) + " more model" + (chosen.length ? "" : "s") + " to compare (two to four).";
      } else {
        message.textContent = "";
      }
      if (!chosen.length) return;
      var device = shared.devices[form.elements.device.value] || null;
      var context = parseInt(form.elements.context.value, 10) || shared.constants.guidance_context;
      var grid = document.createElement("table");
      var head = grid.createTHead().insertRow();
      head.appendChild(document.createElement("th")).textContent = "";
      chosen.forEach(function (id) {
        var th = document.createElement("th");
        var link = document.createElement("a");
        link.href = modelHref(root, id);
        link.textContent = byId[id].name;
        th.appendChild(link);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "pa-remove";
        remove.textContent = "Remove";
        remove.setAttribute("aria-label", "Remove " + byId[id].name);
        remove.addEventListener("click", function () {
          chosen = chosen.filter(function (other) { return other !== id; });
          update();
        });
        th.appendChild(document.createTextNode(" "));
        th.appendChild(remove);
        head.appendChild(th);
      });
      var body = grid.createTBody();
      function row(label, cell) {
        var tr = body.insertRow();
        var th = document.createElement("th");
        th.scope = "row";
        th.textContent = label;
        tr.appendChild(th);
        chosen.forEach(function (id) { var td = tr.insertCell(); cell(byId[id], td); });
      }
      COMPARE_ROWS.forEach(function (pair) {
        row(pair[0], function (m, td) { td.textContent = pair[1](m); });
      });
      row("Composition", function (m, td) {
        var bar = document.createElement("div");
        bar.className = "pa-bar-row";
        var parts = [["active", m.counts.active], ["idle", m.counts.effective - m.counts.active],
          ["ple", m.counts.ple || 0]];
        var total = parts.reduce(function (sum, p) { return sum + Math.max(0, p[1]); }, 0);
        parts.forEach(function (p) {
          if (p[1] <= 0) return;
          var span = document.createElement("span");
          span.className = "pa-bar-part pa-" + p[0];
          span.style.width = (100 * p[1] / total).toFixed(1) + "%";
          span.title = p[0] + ": " + count(p[1], false);
          bar.appendChild(span);
        });
        bar.setAttribute("role", "img");
        bar.setAttribute("aria-label", "active " + count(m.counts.active) + ", idle experts " +
          count(Math.max(0, m.counts.effective - m.counts.active)) + (m.counts.ple ? ", PLE " + count(m.counts.ple) : ""));
        td.appendChild(bar);
      });
      var results = {};
      chosen.forEach(function (id) {
        var m = byId[id];
        var quantId = form.elements.quant.value;
        if (quantId === "recommended" || m.formats.indexOf(quantId) < 0) {
          var r = device ? recommend(m, shared, device, 1, Math.min(context, m.max_context)) : null;
          quantId = r ? r.quant : m.default_quant;
        }
        var input = { device: device, gpus: 1, context: Math.min(context, m.max_context),
          quant: shared.quants[quantId], kv: shared.quants[shared.constants.default_kv_quant] };
        var result = estimate(m, shared, input);
        var p = plan(m, shared, input, input.context);
        result.quant = quantId;
        result.offload_kind = p.placement ? p.placement.offload_kind : null;
        result.moved_layers = p.placement ? p.placement.moved_layers : null;
        results[id] = result;
      });
      row("Format", function (m, td) { td.textContent = results[m.id].quant; });
      row("Memory at " + tokens(context) + " tokens (GiB)", function (m, td) {
        td.textContent = gib(results[m.id].total_bytes);
        td.dataset.paOutput = "total_bytes";
        td.dataset.value = String(results[m.id].total_bytes);
      });
      if (device) {
        row("On " + device.name, function (m, td) { var r = results[m.id]; td.textContent = r.fit ? short(r) : "—"; });
        row("Decode (tokens/s)", function (m, td) {
          var r = results[m.id];
          td.textContent = r.decode_tokens_per_s === null ? "—" : "~" + speed(r.decode_tokens_per_s) +
            " (" + speed(r.decode_tokens_per_s_range[0]) + "–" + speed(r.decode_tokens_per_s_range[1]) + ")";
          td.dataset.paOutput = "decode_tokens_per_s";
          td.dataset.value = r.decode_tokens_per_s === null ? "" : String(r.decode_tokens_per_s);
        });
      }
      table.appendChild(grid);
    }
    form.addEventListener("change", function (event) {
      if (event.target.name === "add") {
        var id = form.elements.add.value;
        if (id && chosen.indexOf(id) < 0 && chosen.length < 4) chosen.push(id);
        form.elements.add.value = "";
      }
      update();
    });
    form.addEventListener("input", function (event) { if (event.target.name === "context") update(); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    root.hidden = false;
    update();
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

  function loadModels(url) {
    if (!sharedData[url]) {
      sharedData[url] = fetch(url).then(function (response) { return response.json(); });
    }
    return sharedData[url];
  }

  function startTool(root, starter) {
    if (root.dataset.paStarted) return;
    root.dataset.paStarted = "1";
    var api = new URL(root.dataset.api, window.location.href).href;
    var list = new URL(root.dataset.models, window.location.href).href;
    Promise.all([load(api), loadModels(list)]).then(function (both) {
      starter(root, both[0], both[1]);
    }).catch(function () { root.hidden = true; });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".pa-runner"), function (root) {
      startTool(root, startRunner);
    });
    Array.prototype.forEach.call(document.querySelectorAll(".pa-compare"), function (root) {
      startTool(root, startCompare);
    });
    Array.prototype.forEach.call(document.querySelectorAll(".pa-calculator"), function (root) {
      if (root.dataset.paStarted) return;
      root.dataset.paStarted = "1";
      var url = new URL(root.dataset.api, window.location.href).href;
      load(url).then(function (shared) { start(root, shared); }).catch(function () {
        root.hidden = true;  // the static tables above still answer
      });
    });
  }

  window.paramatlasCalculator = { estimate: estimate, recommend: recommend };
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
