/// The node's status page (`GET /status`): one self-contained HTML document, its style and
/// script inline (no build step, no network fetch but this node's own `/status.json` and
/// WebSocket). It renders `/status.json` and refreshes on every new head from an
/// `eth_subscribe("newHeads")` subscription over the node's WebSocket.
enum StatusPageHTML {
    static let document: String = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cloister node status</title>
<link rel="icon" href="data:,">
<style>
:root {
  --bg: #f3f5f8; --card: #ffffff; --ink: #1c2430; --muted: #667085; --faint: #98a2b3;
  --line: #e4e7ec; --soft: #f8f9fb; --accent: #3056d3;
  --ok: #12805c; --ok-bg: #e6f6ef; --warn: #a15c07; --warn-bg: #fef3e2;
  --bad: #c4320a; --bad-bg: #fdeceb; --idle: #475467; --idle-bg: #eef0f3;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
html, body { margin: 0; }
body {
  background: var(--bg); color: var(--ink);
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", "Liberation Sans", "DejaVu Sans", sans-serif;
  padding: 16px 22px 28px;
}
[hidden] { display: none !important; }
.mono { font-family: var(--mono); font-size: 12px; }
.muted { color: var(--muted); }
.faint { color: var(--faint); }
.num { text-align: right; font-variant-numeric: tabular-nums; }

/* Header */
header.top {
  display: flex; align-items: center; gap: 18px; flex-wrap: wrap;
  background: var(--card); border: 1px solid var(--line); border-radius: 12px;
  padding: 12px 18px; box-shadow: 0 1px 2px rgba(16, 24, 40, .05);
}
.brand { display: flex; flex-direction: column; min-width: 230px; }
.brand h1 { margin: 0; font-size: 18px; letter-spacing: -.01em; display: flex; align-items: center; gap: 8px; }
.brand h1 .logo {
  width: 18px; height: 18px; border-radius: 5px; transform: rotate(45deg) scale(.8);
  background: linear-gradient(135deg, #3056d3, #12805c);
}
.brand .client { color: var(--muted); font-family: var(--mono); font-size: 11.5px; }
.stats { display: flex; gap: 8px; flex-wrap: wrap; flex: 1; }
.stat {
  border: 1px solid var(--line); border-radius: 9px; padding: 5px 12px; background: var(--soft);
  display: flex; flex-direction: column; justify-content: center; min-width: 84px;
}
.stat .k { font-size: 10.5px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.stat .v { font-size: 15px; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
.stat .v.mono { font-size: 13px; font-weight: 500; }
.stat.head .v { font-size: 20px; color: var(--accent); }
.stat .v.late { color: var(--warn); }
.stat .v.stalled { color: var(--bad); }
.conn { display: flex; flex-direction: column; align-items: flex-end; gap: 4px; margin-left: auto; }
.pill {
  display: inline-flex; align-items: center; gap: 6px; border-radius: 999px; padding: 3px 11px;
  font-size: 12px; font-weight: 600; background: var(--idle-bg); color: var(--idle); white-space: nowrap;
}
.pill::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: currentColor; }
.pill.live { background: var(--ok-bg); color: var(--ok); }
.pill.live::before { animation: pulse 2s ease-in-out infinite; }
.pill.connecting, .pill.polling { background: var(--warn-bg); color: var(--warn); }
.pill.reconnecting { background: var(--bad-bg); color: var(--bad); }
@keyframes pulse { 0%, 100% { opacity: 1; } 50% { opacity: .35; } }
#fetch-state { font-size: 11.5px; color: var(--muted); }
#fetch-state.error { color: var(--bad); font-weight: 600; }

/* Simulated TEE banner */
#simulated-banner {
  margin-top: 12px; border-radius: 10px; padding: 9px 16px;
  background: repeating-linear-gradient(-45deg, #b42318 0 14px, #c4320a 14px 28px);
  color: #fff; font-weight: 700; letter-spacing: .02em; display: flex; align-items: center; gap: 12px;
  box-shadow: 0 1px 3px rgba(180, 35, 24, .35);
}
#simulated-banner .tag {
  background: #fff; color: #b42318; border-radius: 6px; padding: 1px 8px; font-size: 11.5px; letter-spacing: .08em;
}
#simulated-banner .sub { font-weight: 500; opacity: .9; }

/* Cards and grid */
main { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 12px; margin-top: 12px; align-items: start; }
.col { display: flex; flex-direction: column; gap: 12px; min-width: 0; }
.card {
  background: var(--card); border: 1px solid var(--line); border-radius: 12px;
  padding: 12px 16px 14px; box-shadow: 0 1px 2px rgba(16, 24, 40, .05); min-width: 0;
}
.wide { grid-column: 1 / -1; }
.card h2 {
  margin: 0 0 8px; font-size: 12px; text-transform: uppercase; letter-spacing: .07em; color: var(--muted);
  display: flex; align-items: baseline; gap: 10px;
}
.card h2 .count { color: var(--faint); font-weight: 500; letter-spacing: 0; text-transform: none; }
.card h2 .aside { margin-left: auto; text-transform: none; letter-spacing: 0; font-weight: 500; color: var(--muted); }
.card h3 { margin: 10px 0 4px; font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: var(--faint); }
.card h3:first-of-type { margin-top: 0; }
.empty { color: var(--faint); font-style: italic; padding: 4px 0; }

/* Tables */
table { width: 100%; border-collapse: collapse; }
th {
  text-align: left; font-size: 11px; font-weight: 600; color: var(--muted); text-transform: uppercase;
  letter-spacing: .04em; padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap;
}
td { padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: middle; white-space: nowrap; }
tbody tr:last-child td { border-bottom: 0; }
th.num { text-align: right; }
td.wrap { white-space: normal; }
table.compact th, table.compact td { padding-left: 6px; padding-right: 6px; }

/* Badges */
.badge {
  display: inline-block; border-radius: 5px; padding: 0 6px; font-size: 11px; font-weight: 600; line-height: 18px;
  background: var(--idle-bg); color: var(--idle); white-space: nowrap; vertical-align: middle;
}
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.badge.bad { background: var(--bad-bg); color: var(--bad); }
.badge.info { background: #eaf0ff; color: var(--accent); }
.badge.sim { background: #b42318; color: #fff; letter-spacing: .05em; }
.badge + .badge { margin-left: 4px; }

/* Authorities */
.swatch {
  display: inline-block; width: 12px; height: 12px; border-radius: 3px; vertical-align: -2px;
  background: var(--c, #c0c6d0);
}
#authorities tbody tr { transition: background .15s; }
#authorities tbody tr:hover { background: var(--soft); }
#authorities tbody tr.missing { background: var(--bad-bg); }
#authorities tbody tr.missing td:first-child { box-shadow: inset 3px 0 0 var(--bad); }
#authorities td.missed { font-weight: 600; }
#authorities tr.missing td.missed { color: var(--bad); }
#authorities td.share { width: 150px; }
.share-bar { display: inline-block; width: 90px; height: 7px; border-radius: 999px; background: var(--idle-bg); overflow: hidden; vertical-align: middle; }
.share-bar > span { display: block; height: 100%; width: 0; background: var(--c, #c0c6d0); border-radius: inherit; }
.share-pct { display: inline-block; width: 40px; text-align: right; color: var(--muted); font-variant-numeric: tabular-nums; font-size: 12px; }
.next-mark { color: var(--accent); font-weight: 700; }

/* Timeline */
.timeline-wrap { padding: 2px 0 0; }
#timeline {
  display: grid; grid-template-columns: repeat(101, minmax(0, 1fr)); gap: 2px;
  padding-bottom: 11px; align-items: start;
}
#timeline .block, #timeline .next-slot { position: relative; aspect-ratio: 1 / 1.35; border-radius: 2px; }
#timeline .block { background: var(--c, #c0c6d0); cursor: default; transition: opacity .15s, transform .15s; }
#timeline .block.out {
  background: repeating-linear-gradient(135deg, var(--c, #c0c6d0) 0 2px, #fff 2px 4px);
  box-shadow: inset 0 0 0 1.5px var(--c, #c0c6d0);
}
#timeline .block.missed::after {
  content: ""; position: absolute; left: 50%; top: calc(100% + 3px); transform: translateX(-50%);
  width: 3px; height: 6px; border-radius: 1px; background: var(--bad);
}
#timeline .block.head { outline: 2px solid var(--ink); outline-offset: 1px; }
#timeline .block:hover { transform: scale(1.35); z-index: 2; }
#timeline .next-slot {
  border: 1.5px dashed var(--c, #c0c6d0); background: transparent; animation: pulse 1.6s ease-in-out infinite;
}
#timeline.focus .block { opacity: .18; }
#timeline.focus .block.hl { opacity: 1; }
.axis { display: flex; justify-content: space-between; font-size: 11px; color: var(--faint); font-variant-numeric: tabular-nums; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: center; margin-top: 6px; font-size: 12px; color: var(--muted); }
.legend .item { display: inline-flex; align-items: center; gap: 6px; }
.legend .sep { width: 1px; height: 14px; background: var(--line); }
.key-in, .key-out { display: inline-block; width: 10px; height: 13px; border-radius: 2px; background: #667085; }
.key-out { background: repeating-linear-gradient(135deg, #667085 0 2px, #fff 2px 4px); box-shadow: inset 0 0 0 1.5px #667085; }
.key-next { display: inline-block; width: 10px; height: 13px; border-radius: 2px; border: 1.5px dashed #667085; }
.key-missed { display: inline-block; width: 3px; height: 8px; border-radius: 1px; background: var(--bad); margin: 0 3px; }
.summary { font-size: 12px; color: var(--muted); }
.summary b { color: var(--ink); font-weight: 600; }

/* Votes */
.vote-list { list-style: none; margin: 0; padding: 0; }
.vote-list li { display: flex; align-items: center; gap: 8px; padding: 4px 0; border-bottom: 1px solid var(--line); }
.vote-list li:last-child { border-bottom: 0; }
.vote-list .grow { flex: 1; }

/* Node health */
.health { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 14px; }
.kv { display: flex; flex-direction: column; }
.kv .k { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
.kv .v { font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; }
.bar { height: 8px; border-radius: 999px; background: var(--idle-bg); overflow: hidden; margin-top: 6px; }
.bar > span { display: block; height: 100%; width: 0; background: linear-gradient(90deg, #3056d3, #12805c); border-radius: inherit; transition: width .4s; }
.sub-block { border-top: 1px solid var(--line); margin-top: 10px; padding-top: 8px; }
.sub-block:first-child { border-top: 0; margin-top: 0; padding-top: 0; }
.row { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.reasons { margin: 6px 0 0; padding-left: 18px; color: var(--bad); }

/* Enclaves */
.enclave-self { display: flex; gap: 18px; flex-wrap: wrap; align-items: center; padding: 2px 0 8px; }
.enclave-self .kv .v { font-size: 13px; font-weight: 500; }
.enclave-self .reason { font-size: 12px; white-space: normal; }
</style>
</head>
<body>
<header class="top">
  <div class="brand">
    <h1><span class="logo"></span>Cloister node</h1>
    <span class="client" id="client">—</span>
  </div>
  <div class="stats">
    <div class="stat head"><span class="k">Head</span><span class="v" id="head-number">—</span></div>
    <div class="stat"><span class="k">Head age</span><span class="v" id="head-age">—</span></div>
    <div class="stat"><span class="k">Next block</span><span class="v mono" id="next-block">—</span></div>
    <div class="stat"><span class="k">Chain id</span><span class="v" id="chain-id">—</span></div>
    <div class="stat"><span class="k">Period</span><span class="v" id="period">—</span></div>
    <div class="stat"><span class="k">Role</span><span class="v" id="role">—</span></div>
    <div class="stat"><span class="k">Address</span><span class="v mono" id="self-address">—</span></div>
  </div>
  <div class="conn">
    <span class="pill connecting" id="ws-state" title="WebSocket newHeads subscription">connecting</span>
    <span id="fetch-state">loading status…</span>
  </div>
</header>

<div id="simulated-banner" role="alert" hidden>
  <span class="tag">WARNING</span>
  <span>SIMULATED TEE — proves the protocol, not confidentiality</span>
  <span class="sub">enclave attestation is simulated: keys are not protected by hardware</span>
</div>

<main>
  <section class="card wide">
    <h2>Recent blocks <span class="count" id="timeline-count"></span><span class="aside summary" id="timeline-summary"></span></h2>
    <div class="timeline-wrap">
      <div id="timeline" aria-label="recent blocks, oldest first"></div>
      <div class="axis"><span id="axis-first"></span><span id="axis-last"></span></div>
    </div>
    <div class="legend" id="legend"></div>
  </section>

  <div class="col">
    <section class="card">
      <h2>Authorities <span class="count" id="authorities-count"></span><span class="aside">counts over the recent blocks above</span></h2>
      <table id="authorities">
        <thead><tr>
          <th></th><th>Address</th><th>Turn</th><th class="num">Sealed</th><th class="num">In turn</th>
          <th class="num">Out of turn</th><th class="num">Missed turns</th><th class="num">Last sealed</th><th>Share of blocks</th>
        </tr></thead>
        <tbody></tbody>
      </table>
    </section>

    <section class="card">
      <h2>Peers <span class="count" id="peers-count"></span></h2>
      <table id="peers">
        <thead><tr>
          <th>Node id</th><th>Role</th><th>Direction</th><th>Address</th><th class="num">Latency</th><th>Client</th>
        </tr></thead>
        <tbody></tbody>
      </table>
    </section>

    <section class="card" id="registry">
      <h2>Enclave registry <span class="count" id="registry-count"></span><span class="aside" id="registry-generation"></span></h2>
      <div id="registry-none" class="empty" hidden>no confidential module</div>
      <div id="registry-body" hidden>
        <h3>This node's enclave</h3>
        <div class="enclave-self" id="enclave-self"></div>
        <h3>Registered enclaves</h3>
        <table class="compact">
          <thead><tr>
            <th>Status</th><th>Authority</th><th>Enclave id</th><th>Measurement</th><th>Generations</th>
            <th>Joined</th><th>Last attestation</th><th></th>
          </tr></thead>
          <tbody></tbody>
        </table>
      </div>
    </section>
  </div>

  <div class="col">
    <section class="card" id="node-health">
      <div class="sub-block">
        <h2>Transaction pool</h2>
        <div class="health">
          <div class="kv"><span class="k">Pending</span><span class="v" id="pool-pending">—</span></div>
          <div class="kv"><span class="k">Queued</span><span class="v" id="pool-queued">—</span></div>
        </div>
      </div>
      <div class="sub-block">
        <h2>Sync <span class="aside" id="sync-state"></span></h2>
        <div class="row"><span class="mono" id="sync-blocks">—</span><span class="muted" id="sync-pct"></span></div>
        <div class="bar"><span id="sync-bar"></span></div>
      </div>
      <div class="sub-block">
        <h2>Readiness <span class="aside" id="ready-state"></span></h2>
        <div id="ready-reasons" class="muted">—</div>
      </div>
    </section>

    <section class="card" id="votes">
      <h2>Clique votes <span class="count" id="votes-count"></span></h2>
      <div id="votes-body"><div class="empty">none</div></div>
    </section>
  </div>
</main>

<script>
(function () {
  "use strict";

  var PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#17becf", "#edc948",
                 "#9c755f", "#ff9da7", "#8c6bb1", "#7f7f7f"];
  var UNKNOWN = "#c0c6d0";

  var state = {
    data: null,          // last /status.json
    fetchedAt: 0,        // performance.now() when it arrived
    inFlight: false,
    again: false,
    failures: 0,
    ws: null,
    wsState: "connecting",
    retryDelay: 1000,
    retryTimer: null,
    subscription: null
  };

  function $(id) { return document.getElementById(id); }

  // --- small, defensive helpers -------------------------------------------------
  function isNum(v) { return typeof v === "number" && isFinite(v); }
  function str(v) { return v === null || v === undefined ? "" : String(v); }
  function arr(v) { return Array.isArray(v) ? v : []; }
  function obj(v) { return v && typeof v === "object" && !Array.isArray(v) ? v : null; }
  function lower(v) { return str(v).toLowerCase(); }
  function fmtInt(v) { return isNum(v) ? Math.round(v).toLocaleString("en-US") : "—"; }

  function short(hex, head, tail) {
    var s = str(hex);
    var prefix = s.slice(0, 2).toLowerCase() === "0x" ? 2 : 0;
    head = head || 6; tail = tail || 4;
    if (s.length <= prefix + head + tail + 1) return s || "—";
    return s.slice(0, prefix + head) + "…" + s.slice(s.length - tail);
  }

  // A client id without the role it names (`Cloister/authority/v0.1.0/…` → `Cloister/v0.1.0`).
  function clientShort(name) {
    var parts = str(name).split("/");
    if (parts.length > 2 && (parts[1] === "authority" || parts[1] === "observer")) parts.splice(1, 1);
    return parts.slice(0, 2).join("/");
  }

  function duration(seconds) {
    if (!isNum(seconds)) return "—";
    if (seconds < 0) seconds = 0;
    if (seconds < 10) return seconds.toFixed(1) + " s";
    if (seconds < 60) return Math.floor(seconds) + " s";
    if (seconds < 3600) return Math.floor(seconds / 60) + " min " + Math.floor(seconds % 60) + " s";
    if (seconds < 86400) return Math.floor(seconds / 3600) + " h " + Math.floor((seconds % 3600) / 60) + " min";
    return Math.floor(seconds / 86400) + " d " + Math.floor((seconds % 86400) / 3600) + " h";
  }

  function isoTime(unixSeconds) {
    if (!isNum(unixSeconds)) return null;
    var date = new Date(unixSeconds * 1000);
    return isNaN(date.getTime()) ? null : date.toISOString().replace(".000Z", "Z");
  }

  function ago(seconds) {
    if (!isNum(seconds)) return "—";
    if (seconds < 0) seconds = 0;
    if (seconds < 60) return Math.floor(seconds) + " s ago";
    if (seconds < 3600) return Math.floor(seconds / 60) + " min ago";
    if (seconds < 86400) return Math.floor(seconds / 3600) + " h " + Math.floor((seconds % 3600) / 60) + " min ago";
    return Math.floor(seconds / 86400) + " d ago";
  }

  // Creates an element: el("td", {className: "num", title: "…"}, child, "text", …).
  function el(tag, props) {
    var node = document.createElement(tag);
    if (props) {
      for (var k in props) {
        if (!Object.prototype.hasOwnProperty.call(props, k)) continue;
        var v = props[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === "className") node.className = v;
        else if (k === "text") node.textContent = str(v);
        else if (k === "color") node.style.setProperty("--c", v);
        else node.setAttribute(k, str(v));
      }
    }
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(typeof child === "object" ? child : document.createTextNode(str(child)));
  }

  function setText(id, text, title) {
    var node = $(id);
    if (!node) return;
    node.textContent = str(text);
    if (title !== undefined) { if (title) node.title = str(title); else node.removeAttribute("title"); }
  }

  function badge(text, kind, title) { return el("span", {className: "badge" + (kind ? " " + kind : ""), title: title}, text); }

  // Node clock now (unix seconds): the node's `now` plus the time since it arrived.
  function nodeNow() {
    var d = state.data;
    if (!d || !isNum(d.now)) return Date.now() / 1000;
    return d.now + (performance.now() - state.fetchedAt) / 1000;
  }

  // --- colours -----------------------------------------------------------------
  function colourMap(d) {
    var map = {};
    arr(d && d.authorities).forEach(function (a, i) {
      var address = lower(a && a.address);
      if (address) map[address] = PALETTE[i % PALETTE.length];
    });
    return map;
  }

  function colourOf(map, address) { return map[lower(address)] || UNKNOWN; }

  function swatch(colour, title) { return el("span", {className: "swatch", color: colour, title: title}); }

  // --- rendering ---------------------------------------------------------------
  function render(d) {
    var colours = colourMap(d);
    renderHeader(d, colours);
    renderBanner(d);
    renderTimeline(d, colours);
    renderAuthorities(d, colours);
    renderVotes(d, colours);
    renderPeers(d);
    renderHealth(d);
    renderRegistry(d, colours);
    tick();
  }

  function renderHeader(d, colours) {
    setText("client", d.client || "—", d.client || "");
    setText("chain-id", isNum(d.chainId) ? String(d.chainId) : "—");
    setText("period", isNum(d.period) ? d.period + " s" : "—");
    setText("role", d.role || "—");
    setText("self-address", d.self ? short(d.self) : "none", d.self || "this node does not seal");
    var head = obj(d.head);
    var headNumber = $("head-number");
    headNumber.textContent = head && isNum(head.number) ? String(head.number) : "—";
    headNumber.title = head ? "hash " + str(head.hash) : "";
    var next = obj(d.nextBlock);
    var nb = $("next-block");
    nb.textContent = "";
    if (next && isNum(next.number)) {
      append(nb, ["#" + next.number + " ", swatch(colourOf(colours, next.inTurn)), " " + short(next.inTurn, 4, 3)]);
      nb.title = "block " + next.number + ": " + (next.inTurn ? str(next.inTurn) + " is in turn" : "no signer in turn known");
    } else {
      nb.textContent = "—";
      nb.removeAttribute("title");
    }
    document.title = (head && isNum(head.number) ? "#" + head.number + " · " : "") + "Cloister node status";
  }

  function renderBanner(d) {
    $("simulated-banner").hidden = d.simulatedTEE !== true;
  }

  var blockNodes = {};   // key -> element, reused between renders (keeps tooltips stable)

  function renderTimeline(d, colours) {
    var container = $("timeline");
    var blocks = arr(d.blocks).filter(function (b) { return obj(b) && isNum(b.number); }).slice(-100);
    var head = obj(d.head);
    var headNumber = head && isNum(head.number) ? head.number : null;
    var fresh = {};
    var children = [];
    var inTurn = 0, outTurn = 0, missed = 0;
    blocks.forEach(function (b) {
      var signer = lower(b.signer), expected = lower(b.expected);
      var isIn = b.inTurn === true;
      // The node says whether the expected signer was free to seal (Clique's recency rule can
      // bar it); older nodes without the field: any out-of-turn block counts.
      var wasMissed = typeof b.missed === "boolean" ? b.missed : (!!expected && !!signer && expected !== signer);
      var yielded = b.expectedRecent === true;
      if (isIn) inTurn++; else outTurn++;
      if (wasMissed) missed++;
      var colour = colourOf(colours, signer);
      var isHead = headNumber !== null && b.number === headNumber;
      var key = [b.number, str(b.hash), signer, expected, isIn, wasMissed, colour, isHead, b.txs, b.gasUsed].join("|");
      var node = blockNodes[key];
      if (!node) {
        var tip = "Block #" + b.number +
          "\nsigner: " + (signer || "unknown") +
          "\n" + (isIn ? "in turn" : "out of turn") +
          "\nexpected: " + (expected || "unknown") + (wasMissed ? "  (missed its turn)" : "") +
          (yielded ? "  (had sealed too recently to take its turn)" : "") +
          "\ntxs: " + (isNum(b.txs) ? b.txs : "—") +
          "   gas: " + fmtInt(b.gasUsed) +
          (b.hash ? "\nhash: " + short(b.hash, 10, 8) : "");
        node = el("div", {
          className: "block" + (isIn ? " in" : " out") + (wasMissed ? " missed" : "") + (isHead ? " head" : ""),
          "data-number": String(b.number), "data-signer": signer, "data-in-turn": isIn ? "true" : "false",
          "data-expected": expected || null, "data-missed": wasMissed ? "true" : "false",
          title: tip, color: colour
        });
      }
      fresh[key] = node;
      children.push(node);
    });
    blockNodes = fresh;
    var next = obj(d.nextBlock);
    if (next && isNum(next.number)) {
      children.push(el("div", {className: "next-slot", color: colourOf(colours, next.inTurn),
                               title: "Next: block #" + next.number + ", in turn: " + (str(next.inTurn) || "unknown")}));
    }
    var same = children.length === container.children.length &&
      children.every(function (c, i) { return container.children[i] === c; });
    if (!same) container.replaceChildren.apply(container, children);
    setText("timeline-count", blocks.length ? blocks.length + " blocks" : "");
    setText("axis-first", blocks.length ? "#" + blocks[0].number : "");
    setText("axis-last", blocks.length ? "#" + blocks[blocks.length - 1].number + (next && isNum(next.number) ? "  → next" : "") : "");
    var summary = $("timeline-summary");
    summary.textContent = "";
    if (blocks.length) {
      append(summary, [el("b", null, String(inTurn)), " in turn · ", el("b", null, String(outTurn)), " out of turn · ",
                       el("b", null, String(missed)), " missed turn" + (missed === 1 ? "" : "s")]);
    } else {
      summary.textContent = "no blocks yet";
    }
    renderLegend(d, colours);
    applyFocus();
  }

  function renderLegend(d, colours) {
    var legend = $("legend");
    var items = [];
    arr(d.authorities).forEach(function (a) {
      if (!obj(a) || !a.address) return;
      items.push(el("span", {className: "item", title: str(a.address)},
        swatch(colourOf(colours, a.address)), el("span", {className: "mono"}, short(a.address)),
        a.self ? badge("self", "info") : null));
    });
    if (items.length) items.push(el("span", {className: "sep"}));
    items.push(el("span", {className: "item"}, el("span", {className: "key-in"}), "in turn"));
    items.push(el("span", {className: "item"}, el("span", {className: "key-out"}), "out of turn"));
    items.push(el("span", {className: "item"}, el("span", {className: "key-missed"}), "expected signer missed its turn"));
    items.push(el("span", {className: "item"}, el("span", {className: "key-next"}), "next block"));
    legend.replaceChildren.apply(legend, items);
  }

  var focusAddress = null;
  function applyFocus() {
    var container = $("timeline");
    container.classList.toggle("focus", !!focusAddress);
    Array.prototype.forEach.call(container.querySelectorAll(".block"), function (b) {
      b.classList.toggle("hl", !!focusAddress && b.getAttribute("data-signer") === focusAddress);
    });
  }

  function renderAuthorities(d, colours) {
    var tbody = $("authorities").tBodies[0];
    var rows = [];
    var list = arr(d.authorities).filter(function (a) { return obj(a) && a.address; });
    var total = arr(d.blocks).filter(obj).length;
    list.forEach(function (a) {
      var address = lower(a.address);
      var missedTurns = isNum(a.missedTurns) ? a.missedTurns : 0;
      var tr = el("tr", {"data-address": address, "data-missed": String(missedTurns),
                         className: a.missedRecent === true ? "missing" : null},
        el("td", null, swatch(colourOf(colours, address))),
        el("td", null, el("span", {className: "mono", title: address}, short(address)),
           a.self ? [" ", badge("self", "info", "this node seals as this authority")] : null),
        el("td", null, a.nextInTurn ? el("span", {className: "next-mark", title: "in turn for the next block"}, "▶ next") : ""),
        el("td", {className: "num"}, fmtInt(a.sealed)),
        el("td", {className: "num"}, fmtInt(a.inTurn)),
        el("td", {className: "num"}, fmtInt(a.outOfTurn)),
        el("td", {className: "num missed"},
           a.missedRecent === true ? [badge("missing", "bad", "missed its turn recently"), " "] : null,
           fmtInt(a.missedTurns)),
        el("td", {className: "num"}, isNum(a.lastSealed) ? "#" + a.lastSealed : "—"),
        el("td", {className: "share", title: isNum(a.sealed) && total ? a.sealed + " of " + total + " recent blocks" : null},
           el("span", {className: "share-bar"}, el("span", {color: colourOf(colours, address)})),
           el("span", {className: "share-pct"}, isNum(a.sealed) && total ? Math.round(100 * a.sealed / total) + " %" : "—")));
      var fill = tr.querySelector(".share-bar > span");
      if (fill) fill.style.width = (isNum(a.sealed) && total ? Math.min(100, 100 * a.sealed / total) : 0) + "%";
      rows.push(tr);
    });
    if (!rows.length) rows.push(el("tr", {className: "placeholder"}, el("td", {colspan: "9", className: "empty"}, "no authorities known")));
    tbody.replaceChildren.apply(tbody, rows);
    setText("authorities-count", list.length ? String(list.length) : "");
  }

  function direction(authorize) {
    return authorize === true ? badge("add", "ok", "authorize") : badge("remove", "bad", "deauthorize");
  }

  function addressChip(colours, address) {
    return el("span", {title: str(address)}, swatch(colourOf(colours, address)), " ",
              el("span", {className: "mono"}, short(address)));
  }

  function renderVotes(d, colours) {
    var votes = obj(d.votes) || {};
    var tally = arr(votes.tally).filter(obj), cast = arr(votes.cast).filter(obj), proposals = arr(votes.proposals).filter(obj);
    var body = $("votes-body");
    var parts = [];
    if (tally.length) {
      parts.push(el("h3", null, "Tally"));
      parts.push(el("ul", {className: "vote-list"}, tally.map(function (t) {
        return el("li", null, direction(t.authorize), el("span", {className: "grow"}, addressChip(colours, t.address)),
                  el("span", {className: "muted"}, fmtInt(t.votes) + (t.votes === 1 ? " vote" : " votes")));
      })));
    }
    if (cast.length) {
      parts.push(el("h3", null, "Votes cast"));
      parts.push(el("ul", {className: "vote-list"}, cast.map(function (c) {
        return el("li", null, addressChip(colours, c.signer), el("span", {className: "muted"}, "→"), direction(c.authorize),
                  el("span", {className: "grow mono", title: str(c.address)}, short(c.address)),
                  el("span", {className: "faint"}, isNum(c.block) ? "#" + c.block : ""));
      })));
    }
    if (proposals.length) {
      parts.push(el("h3", null, "This node proposes"));
      parts.push(el("ul", {className: "vote-list"}, proposals.map(function (p) {
        return el("li", null, direction(p.authorize), el("span", {className: "grow mono", title: str(p.address)}, short(p.address)));
      })));
    }
    if (!parts.length) parts.push(el("div", {className: "empty"}, "none"));
    body.replaceChildren.apply(body, parts);
    var total = tally.length + cast.length + proposals.length;
    setText("votes-count", total ? String(total) : "");
  }

  function renderPeers(d) {
    var tbody = $("peers").tBodies[0];
    var peers = arr(d.peers).filter(obj);
    var rows = peers.map(function (p) {
      var role = str(p.role) || "unknown";
      return el("tr", {"data-id": lower(p.id)},
        el("td", null, el("span", {className: "mono", title: str(p.id)}, short(p.id, 8, 6))),
        el("td", null, badge(role, role === "authority" ? "info" : role === "observer" ? "" : "warn")),
        el("td", null, p.inbound === true ? "inbound" : p.inbound === false ? "outbound" : "—"),
        el("td", {className: "mono"}, str(p.address) || "—"),
        el("td", {className: "num"}, isNum(p.latencyMs) ? p.latencyMs.toFixed(1) + " ms" : "—"),
        el("td", {className: "muted", title: str(p.name)}, clientShort(p.name) || "—"));
    });
    if (!rows.length) rows.push(el("tr", {className: "placeholder"}, el("td", {colspan: "6", className: "empty"}, "no peers")));
    tbody.replaceChildren.apply(tbody, rows);
    setText("peers-count", String(peers.length));
  }

  function renderHealth(d) {
    var pool = obj(d.pool) || {};
    setText("pool-pending", fmtInt(pool.pending));
    setText("pool-queued", fmtInt(pool.queued));

    var sync = obj(d.sync);
    var syncState = $("sync-state");
    syncState.textContent = "";
    var bar = $("sync-bar");
    if (sync) {
      append(syncState, sync.syncing === true ? badge("syncing", "warn") : badge("in sync", "ok"));
      var cur = sync.current, high = sync.highest, start = isNum(sync.starting) ? sync.starting : 0;
      setText("sync-blocks", (isNum(cur) ? "#" + cur : "—") + " / " + (isNum(high) ? "#" + high : "—"));
      var fraction = 1;
      if (isNum(cur) && isNum(high) && high > start) fraction = Math.max(0, Math.min(1, (cur - start) / (high - start)));
      if (isNum(cur) && isNum(high) && cur >= high) fraction = 1;
      setText("sync-pct", (fraction * 100).toFixed(fraction < 1 ? 1 : 0) + " %");
      bar.style.width = (fraction * 100) + "%";
    } else {
      setText("sync-blocks", "—");
      setText("sync-pct", "");
      bar.style.width = "0";
    }

    var ready = obj(d.ready);
    var readyState = $("ready-state");
    readyState.textContent = "";
    var reasonsBox = $("ready-reasons");
    reasonsBox.textContent = "";
    if (ready) {
      append(readyState, ready.ready === true ? badge("ready", "ok") : badge("not ready", "bad"));
      var reasons = arr(ready.reasons).map(str).filter(Boolean);
      if (reasons.length) {
        reasonsBox.className = "";
        append(reasonsBox, el("ul", {className: "reasons"}, reasons.map(function (r) { return el("li", null, r); })));
      } else {
        reasonsBox.className = "muted";
        reasonsBox.textContent = ready.ready === true ? "serving: no reason to hold back" : "no reason given";
      }
    } else {
      reasonsBox.className = "muted";
      reasonsBox.textContent = "—";
    }
  }

  function statusKind(status) {
    switch (lower(status)) {
      case "active": case "trusted": case "ok": return "ok";
      case "revoked": case "removed": case "retired": return "";
      case "failed": case "rejected": case "expired": case "stale": return "bad";
      default: return "warn";
    }
  }

  function kv(label, value, title) {
    return el("div", {className: "kv"}, el("span", {className: "k"}, label), el("span", {className: "v", title: title}, value));
  }

  function renderRegistry(d, colours) {
    var registry = obj(d.registry);
    var enclave = obj(d.enclave);
    $("registry-none").hidden = !!registry;
    $("registry-body").hidden = !registry;
    if (!registry) {
      $("registry-none").textContent = enclave ? "no confidential module on this chain (this node has an enclave attached)" : "no confidential module";
      setText("registry-count", "");
      setText("registry-generation", "");
      return;
    }
    setText("registry-generation", isNum(registry.generation) ? "current key generation " + registry.generation : "no key generation yet");

    var self = $("enclave-self");
    self.textContent = "";
    if (enclave) {
      append(self, [
        kv("Trusted", enclave.trusted === true ? badge("trusted", "ok")
                      : [badge("not trusted", "bad", str(enclave.reason) || null),
                         enclave.reason ? el("span", {className: "muted reason"}, " " + str(enclave.reason)) : null]),
        kv("Enclave id", el("span", {className: "mono"}, short(enclave.enclaveId, 8, 6)), str(enclave.enclaveId)),
        kv("Measurement", el("span", {className: "mono"}, short(enclave.measurement, 8, 6)), str(enclave.measurement)),
        kv("Generation", isNum(enclave.generation) ? String(enclave.generation) : "none"),
        enclave.simulated === true ? badge("SIMULATED", "sim", "simulated attestation: no hardware protection") : null
      ]);
    } else {
      append(self, el("span", {className: "empty"}, "this node has no enclave"));
    }

    var now = nodeNow();
    var list = arr(registry.enclaves).filter(obj);
    var rows = list.map(function (e) {
      var generations = arr(e.generations).filter(isNum);
      if (!generations.length && isNum(e.generation) && e.generation > 0) generations = [e.generation];
      var joined = isNum(e.joinedAt) ? "#" + e.joinedAt : "—";
      var last = isNum(e.joinedAtTime) ? ago(now - e.joinedAtTime) : "—";
      return el("tr", {"data-enclave": lower(e.enclaveId), "data-status": lower(e.status)},
        el("td", null, badge(str(e.status) || "unknown", statusKind(e.status))),
        el("td", null, e.authority ? addressChip(colours, e.authority) : "—"),
        el("td", {className: "mono", title: str(e.enclaveId)}, short(e.enclaveId)),
        el("td", {className: "mono", title: str(e.measurement)}, short(e.measurement)),
        el("td", null, generations.length ? generations.join(", ") : "—"),
        el("td", {title: isoTime(e.joinedAtTime)}, joined),
        el("td", {className: "last-attestation", "data-time": isNum(e.joinedAtTime) ? String(e.joinedAtTime) : null}, last),
        el("td", {className: "num"}, e.simulated === true ? badge("SIMULATED", "sim", "simulated attestation: no hardware protection") : null));
    });
    if (!rows.length) rows.push(el("tr", {className: "placeholder"}, el("td", {colspan: "8", className: "empty"}, "no enclave registered yet")));
    var tbody = $("registry").querySelector("tbody");
    tbody.replaceChildren.apply(tbody, rows);
    setText("registry-count", list.length ? String(list.length) : "");
  }

  // Every second: head age and relative times, from the node's clock.
  function tick() {
    var d = state.data;
    var age = $("head-age");
    if (!d || !obj(d.head)) { age.textContent = "—"; return; }
    var head = d.head, seconds = null;
    var elapsed = (performance.now() - state.fetchedAt) / 1000;
    if (isNum(head.age)) seconds = head.age + elapsed;
    else if (isNum(head.timestamp)) seconds = nodeNow() - head.timestamp;
    age.textContent = duration(seconds);
    var period = isNum(d.period) && d.period > 0 ? d.period : 1;
    age.className = "v" + (isNum(seconds) && seconds > 10 * period + 5 ? " stalled" : isNum(seconds) && seconds > 3 * period + 1 ? " late" : "");
    var now = nodeNow();
    Array.prototype.forEach.call(document.querySelectorAll("#registry td.last-attestation[data-time]"), function (td) {
      var t = Number(td.getAttribute("data-time"));
      if (isFinite(t)) td.textContent = ago(now - t);
    });
  }

  // --- /status.json ----------------------------------------------------------------
  function setFetchState(text, error) {
    var node = $("fetch-state");
    node.textContent = text;
    node.className = error ? "error" : "";
  }

  function refresh() {
    if (state.inFlight) { state.again = true; return; }
    state.inFlight = true;
    state.again = false;
    var request;
    try {
      request = fetch("/status.json", {cache: "no-store", headers: {"Accept": "application/json"}});
    } catch (e) {
      request = Promise.reject(e);
    }
    request.then(function (response) {
      if (!response.ok) return {failed: "HTTP " + response.status};
      return response.json().then(function (data) { return {data: data}; }, function () { return {failed: "not JSON"}; });
    }, function () {
      return {failed: "unreachable"};
    }).then(function (outcome) {
      if (outcome.data && typeof outcome.data === "object") {
        state.data = outcome.data;
        state.fetchedAt = performance.now();
        state.failures = 0;
        try {
          render(outcome.data);
          setFetchState("updated " + new Date().toLocaleTimeString("en-GB"), false);
        } catch (e) {
          setFetchState("could not render status: " + (e && e.message ? e.message : e), true);
        }
      } else {
        state.failures++;
        setFetchState("status.json " + (outcome.failed || "failed") + " — retrying", true);
      }
    }).then(function () {
      state.inFlight = false;
      if (state.again) { state.again = false; refresh(); }
    }, function () {
      state.inFlight = false;
    });
  }

  // --- WebSocket newHeads subscription -------------------------------------------
  function setWsState(name, title) {
    state.wsState = name;
    var node = $("ws-state");
    node.textContent = name;
    node.className = "pill " + name;
    node.title = title || "WebSocket newHeads subscription";
  }

  function connect() {
    state.retryTimer = null;
    var socket;
    try {
      socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/");
    } catch (e) {
      scheduleReconnect();
      return;
    }
    state.ws = socket;
    state.subscription = null;
    socket.onopen = function () {
      try {
        socket.send(JSON.stringify({jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"]}));
      } catch (e) { /* the close handler reconnects */ }
    };
    socket.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (!message || typeof message !== "object") return;
      if (message.method === "eth_subscription") {
        if (state.wsState !== "live") setWsState("live");
        refresh();
        return;
      }
      if (message.id === 1) {
        if (message.result !== undefined && message.result !== null) {
          state.subscription = message.result;
          state.retryDelay = 1000;
          setWsState("live", "subscribed to newHeads (" + str(message.result) + ")");
          refresh();
        } else {
          var reason = message.error && message.error.message ? message.error.message : "subscription refused";
          setWsState("polling", "no newHeads subscription: " + reason + "; refreshing every 5 s");
        }
      }
    };
    socket.onerror = function () { /* followed by close */ };
    socket.onclose = function () {
      if (state.ws !== socket) return;
      state.ws = null;
      state.subscription = null;
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    var delay = state.retryDelay;
    state.retryDelay = Math.min(delay * 2, 10000);
    setWsState("reconnecting", "WebSocket closed; next attempt in " + Math.round(delay / 1000) + " s");
    if (state.retryTimer) clearTimeout(state.retryTimer);
    state.retryTimer = setTimeout(connect, delay);
  }

  window.addEventListener("error", function (event) {
    // A bug shows in the page too, not only in the console.
    setFetchState("page error: " + (event && event.message ? event.message : "unknown"), true);
  });

  // Hovering an authority's row highlights its blocks in the timeline.
  var authorityRows = $("authorities").tBodies[0];
  authorityRows.addEventListener("mouseover", function (event) {
    var row = event.target && event.target.closest ? event.target.closest("tr[data-address]") : null;
    var address = row ? row.getAttribute("data-address") : null;
    if (address !== focusAddress) { focusAddress = address; applyFocus(); }
  });
  authorityRows.addEventListener("mouseleave", function () { focusAddress = null; applyFocus(); });

  refresh();
  connect();
  setInterval(refresh, 5000);
  setInterval(function () { try { tick(); } catch (e) { /* next render fixes it */ } }, 1000);
})();
</script>
</body>
</html>
"""#
}
