// Draws request timelines: the page's own (fetched once its teardown ran) and the
// request log's rows (embedded as JSON). One renderer for both.
(function () {
  "use strict";

  var TRIES = 40;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function ms(value) {
    return value < 10 ? value.toFixed(2) : value.toFixed(1);
  }

  // A dotted name that may break after its dots on a narrow screen.
  function dotted(name) {
    var span = el("span", "ev-fn");
    name.split(".").forEach(function (part, i, parts) {
      span.appendChild(document.createTextNode(part + (i < parts.length - 1 ? "." : "")));
      if (i < parts.length - 1) span.appendChild(document.createElement("wbr"));
    });
    return span;
  }

  // A stretch with no event; after request_finished, the server sends the body.
  function gap(idle, before) {
    var sending = before.name === "request_finished" || before.kind === "chunk";
    var text = ms(idle) + " ms " + (sending ? "sending the response" : "with no event");
    return el("li", "gap", "⋯ " + text + " ⋯");
  }

  function row(event, total) {
    var li = el("li", "k-" + event.kind);
    if (event.answered) li.classList.add("answered");
    if (event.error) li.classList.add("failed");
    li.dataset.name = event.name;
    li.dataset.kind = event.kind;
    li.appendChild(el("span", "ev-t", ms(event.offset_ms)));
    var what = el("span", "ev-what");
    what.appendChild(el("span", "ev-name", event.name));
    what.appendChild(el("span", "ev-kind", event.kind));
    if (event.answered) what.appendChild(el("span", "ev-mark", "★ answered"));
    if (event.functions.length) what.appendChild(dotted(event.functions.join(", ")));
    var args = Object.keys(event.args).map(function (key) { return key + "=" + event.args[key]; });
    if (args.length) {
      var shown = el("span", "ev-args", args.join("  "));
      shown.title = args.join("\n");
      what.appendChild(shown);
    }
    if (event.error) what.appendChild(el("span", "ev-err", event.error));
    li.appendChild(what);
    var bar = el("span", "ev-bar");
    var fill = el("i");
    fill.style.left = (100 * event.offset_ms / total).toFixed(2) + "%";
    fill.style.width = (100 * event.duration_ms / total).toFixed(2) + "%";
    bar.appendChild(fill);
    li.appendChild(bar);
    li.appendChild(el("span", "ev-d", ms(event.duration_ms) + " ms"));
    return li;
  }

  function render(box, data) {
    var total = Math.max(data.duration_ms, 0.001);
    box.textContent = "";
    var summary = el("p", "tl-summary");
    summary.appendChild(el("b", null, data.method + " " + data.path + " → " + (data.status || "…")));
    var parts = [ms(data.duration_ms) + " ms", data.events.length + " events"];
    if (data.answered_by) parts.push("answered by " + data.answered_by);
    if (data.exc) parts.push("teardown got " + data.exc);
    if (data.worker) parts.push("worker " + data.worker);
    summary.appendChild(document.createTextNode(" · " + parts.join(" · ")));
    box.appendChild(summary);
    var list = el("ol", "tl-rows");
    var head = el("li", "head");
    ["ms", "signal, hook, view or chunk", "", "took"].forEach(function (text, i) {
      head.appendChild(el("span", ["ev-t", "ev-what", "ev-bar", "ev-d"][i], text));
    });
    head.querySelector(".ev-bar").style.background = "none";
    list.appendChild(head);
    var end = 0;
    var last = null;
    data.events.forEach(function (event) {
      var idle = event.offset_ms - end;
      if (last && idle > Math.max(5, total / 10)) list.appendChild(gap(idle, last));
      list.appendChild(row(event, total));
      if (event.offset_ms + event.duration_ms > end) {
        end = event.offset_ms + event.duration_ms;
        last = event;
      }
    });
    box.appendChild(list);
    box.dataset.state = data.complete ? "complete" : "partial";
  }

  function wait(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  async function follow(card) {
    var box = card.querySelector(".tl");
    var status = card.querySelector(".tl-status");
    for (var attempt = 0; attempt < TRIES; attempt++) {
      try {
        var response = await fetch(card.dataset.timelineSrc, { cache: "no-store" });
        if (response.ok) {
          var data = await response.json();
          render(box, data);
          if (data.complete) {
            status.classList.add("done");
            card.dataset.state = "complete";
            return;
          }
          status.textContent = "Teardown is still running…";
        }
      } catch (error) {
        status.textContent = "Retrying: " + error;
      }
      await wait(Math.min(100 + attempt * 50, 1000));
    }
    status.textContent = "This request's teardown did not finish; see the request log.";
    card.dataset.state = "gave-up";
  }

  function start() {
    document.querySelectorAll("[data-timeline-src]").forEach(follow);
    document.querySelectorAll("[data-timeline-json]").forEach(function (box) {
      var source = document.getElementById(box.dataset.timelineJson);
      if (source) render(box, JSON.parse(source.textContent));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
