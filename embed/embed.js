/* zapis embed: the only hand-written JS. The owner pastes, once:
 *   <script>window.zapis=window.zapis||function(){(zapis.q=zapis.q||[]).push(arguments)}</script>
 *   <script async src="https://BOOKING-HOST/embed.js" data-site="SITE-KEY" data-lang="ru"></script>
 *
 * What it does
 * - Loads the tracker at once and GET {base}api/v1/sites/{site}/embed (EmbedConfig) in parallel;
 *   starts the tracker with the config's flags. Does the tracker's DOM wiring: history.pushState/
 *   replaceState and popstate -> page(); pagehide and visibilitychange(hidden) -> flush().
 * - Loads the widget on intent: pointerover / focusin / touchstart on a trigger, or idle time after
 *   load when the page has a trigger. Triggers: [data-zapis-book] (data-service, data-staff,
 *   data-branch), inline containers [data-zapis-widget] (mounted once each, also when a SPA renders
 *   them later), and the floating button from config. Clicks are delegated on document; a click
 *   before the widget is loaded opens it once it is (a link trigger is followed if loading fails).
 * - Command queue: zapis('open', {service, staff, branch}), zapis('on', 'open'|'booked'|'close', fn),
 *   zapis('consent', true|false), zapis('language', 'en'), zapis('track', name, props),
 *   zapis('optout'[, false]). window.zapis becomes the real function (zapis.l = 1), which is
 *   also the guard: a second copy of the snippet does nothing.
 * - Forwards the widget's window events zapis:open / zapis:booked / zapis:close to 'on' callbacks,
 *   records widget_open / booked through the tracker, fires the config's goals on booked: Metrica
 *   ym(id, 'reachGoal', 'zapis_booked'), GA4/GTM dataLayer.push({event: 'zapis_booked', zapis}).
 *
 * Contract with the built modules (cargo xtask dist replaces __ZAPIS_ASSETS__ with
 * {"tracker":["tracker.<h>.js","tracker.<h>.wasm"],"widget":["widget.<h>.js","widget.<h>.wasm"]}):
 * - both are wasm-bindgen --target web modules: import(base + js), then default({module_or_path}).
 * - tracker: start(site, api, consent_required, honor_dnt, allow_localhost, allow_webdriver),
 *   page(), flush(), track(kind 0 custom|1 widget_open|2 booked, name, props_json),
 *   consent(bool), optout(bool), context() -> JSON text ({vid, sid, first, last} or null).
 * - widget: open(opts_json), mount(el, opts_json), set_language(lang); opts =
 *   {site, api: base (ends with "/"), lang?, service?, staff?, branch? (strings), ctx: context}.
 */
((w, d) => {
  if (w.zapis && w.zapis.l) return;
  const queued = (w.zapis && w.zapis.q) || [];
  const zapis = (w.zapis = (...a) => command(...a));
  zapis.l = 1;

  const script = d.currentScript || d.querySelector('script[src*="embed.js"][data-site]');
  const base = new URL('.', script.src).href;
  const site = script.dataset.site;
  let lang = script.dataset.lang;
  const assets = __ZAPIS_ASSETS__;
  const BOOK = '[data-zapis-book]';
  const INLINE = '[data-zapis-widget]';
  const handlers = {};
  const mounted = new WeakSet();
  const nothing = () => {};

  const load = (k) =>
    import(base + assets[k][0]).then((m) => m.default({ module_or_path: base + assets[k][1] }).then(() => m));

  const config = fetch(base + 'api/v1/sites/' + encodeURIComponent(site) + '/embed')
    .then((r) => (r.ok ? r.json() : 0))
    .catch(nothing);

  // Without a config the tracker keeps to memory (as with consent required) and sends nothing.
  const tracker = Promise.all([load('tracker'), config]).then(([t, c]) => {
    c = c || { consent: 'required' };
    t.start(site, base, c.consent == 'required', !!c.honor_dnt, !!c.allow_localhost, !!c.allow_webdriver);
    const page = () => {
      try {
        t.page();
      } catch (e) {}
    };
    for (const m of ['pushState', 'replaceState']) {
      const original = history[m];
      history[m] = function () {
        const r = original.apply(this, arguments);
        page();
        return r;
      };
    }
    w.addEventListener('popstate', page);
    w.addEventListener('pagehide', () => t.flush());
    d.addEventListener('visibilitychange', () => d.hidden && t.flush());
    return t;
  });
  const withTracker = (f) => tracker.then(f, nothing);

  let widget;
  const loadWidget = () => (widget = widget || load('widget'));

  const str = (v) => (v == null ? v : '' + v);
  const options = (o, t) =>
    JSON.stringify({
      site,
      api: base,
      lang,
      service: str(o.service),
      staff: str(o.staff),
      branch: str(o.branch),
      ctx: t ? JSON.parse(t.context()) : null,
    });
  // The widget and the tracker (or its failure: a booking then has no context).
  const ready = () => Promise.all([loadWidget(), tracker.catch(nothing)]);

  // Clicks before the widget is there: the last one opens it.
  let clicks = 0;
  const open = (o, link) => {
    const n = ++clicks;
    ready().then(
      ([wg, t]) => n == clicks && wg.open(options(o, t)),
      () => link && link.href && (location.href = link.href),
    );
  };

  const scan = () =>
    d.querySelectorAll(INLINE).forEach((el) => {
      if (!mounted.has(el)) {
        mounted.add(el);
        ready().then(([wg, t]) => wg.mount(el, options(el.dataset, t)), nothing);
      }
    });

  const command = (name, a, b) => {
    if (name == 'open') open(a || {});
    else if (name == 'on') (handlers[a] = handlers[a] || []).push(b);
    else if (name == 'consent') withTracker((t) => t.consent(a !== false));
    else if (name == 'optout') withTracker((t) => t.optout(a !== false));
    else if (name == 'track') withTracker((t) => t.track(0, '' + a, JSON.stringify(b || {})));
    else if (name == 'language') {
      lang = a;
      widget && widget.then((wg) => wg.set_language(a), nothing);
    }
  };

  const trigger = (e, sel) => e.target.closest && e.target.closest(sel);
  for (const type of ['pointerover', 'focusin', 'touchstart'])
    d.addEventListener(type, (e) => trigger(e, BOOK + ',' + INLINE) && loadWidget(), { passive: true });
  d.addEventListener('click', (e) => {
    const el = trigger(e, BOOK);
    if (el && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
      e.preventDefault();
      open(el.dataset, el);
    }
  });

  for (const n of ['open', 'booked', 'close'])
    w.addEventListener('zapis:' + n, (e) => {
      const detail = e.detail;
      for (const f of handlers[n] || [])
        try {
          f(detail);
        } catch (x) {}
      if (n == 'open') withTracker((t) => t.track(1, '', ''));
      if (n == 'booked') {
        withTracker((t) => t.track(2, '', JSON.stringify(detail) || ''));
        config.then((c) => {
          const g = (c && c.goals) || {};
          if (g.metrika && w.ym) w.ym(+g.metrika, 'reachGoal', 'zapis_booked');
          if (g.ga4) (w.dataLayer = w.dataLayer || []).push({ event: 'zapis_booked', zapis: detail });
        });
      }
    });

  config.then((c) => {
    const f = c && c.float_button;
    if (f) {
      const b = d.createElement('button');
      b.type = 'button';
      b.setAttribute('data-zapis-book', '');
      b.textContent = ((lang || c.lang) == 'en' ? f.label_en || 'Book now' : f.label_ru) || 'Записаться';
      b.style.cssText =
        'position:fixed;bottom:20px;' + (f.position == 'left' ? 'left' : 'right') +
        ':20px;z-index:2147483000;padding:14px 22px;border:0;border-radius:999px;cursor:pointer;color:#fff;' +
        'font:600 16px/1.2 system-ui,sans-serif;box-shadow:0 6px 20px rgba(0,0,0,.25);background:' +
        ((c.theme && c.theme.brand) || '#8a4baf');
      d.body.append(b);
    }
  });

  new MutationObserver(scan).observe(d.documentElement, { childList: true, subtree: true });
  scan();
  const idle = () =>
    (w.requestIdleCallback || setTimeout)(() => d.querySelector(BOOK + ',' + INLINE) && loadWidget(), { timeout: 3000 });
  d.readyState == 'complete' ? idle() : w.addEventListener('load', idle);

  for (const a of queued) command(...a);
})(window, document);
