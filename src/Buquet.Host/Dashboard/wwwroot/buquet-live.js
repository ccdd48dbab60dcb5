// buquet dashboard live updates (our own code, no dependency): one EventSource on /events carries re-rendered
// fragments of this page's live regions (elements with hx-get="/partials/..."). While the stream is open, htmx's
// polling of those regions is suppressed; when EventSource is missing or the stream fails, polling carries on.
(function () {
  'use strict';
  var live = false;

  function regions() {
    return Array.prototype.filter.call(document.querySelectorAll('[hx-get^="/partials/"]'), function (el) { return el.id; });
  }

  function mark(mode) {
    live = mode === 'sse';
    document.body.setAttribute('data-live', mode);
  }

  document.addEventListener('htmx:beforeRequest', function (e) {
    var el = e.target;
    if (live && el && el.getAttribute && (el.getAttribute('hx-get') || '').indexOf('/partials/') === 0) {
      e.preventDefault();
    }
  });

  function apply(e) {
    var tpl = document.createElement('template');
    tpl.innerHTML = e.data;
    var next = tpl.content.firstElementChild;
    var current = next && next.id ? document.getElementById(next.id) : null;
    if (!current) {
      return;
    }

    current.replaceWith(next);
    if (window.htmx) {
      window.htmx.process(next);
    }
  }

  function start() {
    var els = regions();
    if (!els.length) {
      return;
    }

    if (!window.EventSource) {
      mark('polling');
      return;
    }

    var query = els.map(function (el) { return 'p=' + encodeURIComponent(el.getAttribute('hx-get')); }).join('&');
    var source = new EventSource('/events?' + query);
    source.addEventListener('open', function () { mark('sse'); });
    source.addEventListener('error', function () { mark('polling'); });
    source.addEventListener('fragment', apply);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
