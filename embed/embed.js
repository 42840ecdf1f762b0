/* zapis embed: the only hand-written JS (budget with the stub: 1.5 KB gzip). The owner pastes, once:
 *   <script>window.zapis=window.zapis||function(){(zapis.q=zapis.q||[]).push(arguments)}</script>
 *   <script async src="https://BOOKING-HOST/embed.js" data-site="SITE-KEY" data-lang="ru"></script>
 *
 * - Loads the tracker at once and GET {base}api/v1/sites/{site}/embed (EmbedConfig) in parallel,
 *   then starts the tracker with the config's flags (no config: memory only, nothing sent) and
 *   does its DOM wiring: history.pushState/replaceState (in a microtask, after the SPA's own
 *   code) and popstate -> page(); pagehide and visibilitychange to hidden -> flush().
 * - Loads a module on intent (pointerover — mouse, pen and touch alike — or focusin on a trigger) or at idle time
 *   after load when the page has a trigger. Modules and their triggers:
 *   - widget (booking): [data-zapis-book] (data-service, data-staff, data-branch), inline
 *     containers [data-zapis-widget], the config's floating button (markup rendered by the server);
 *   - events (group classes): [data-zapis-events] (data-branch, data-service, data-staff), inline
 *     when on a <div>;
 *   - cabinet (the client's own visits, balances, questions): [data-zapis-cabinet], inline when
 *     on a <div>;
 *   Inline ones are mounted once each, also when a SPA renders them later.
 * - phone (call tracking), when the config says the site tracks calls: mount(document.body) once
 *   the tracker has its context; it shows the visitor's number in [data-zapis-phone] elements,
 *   tel: links and the page's copies of the salon's number.
 *   Clicks are delegated on document; a click before the widget is there opens it once it is (a
 *   link trigger is followed if loading fails); of several such clicks the last one stays on
 *   screen.
 * - Commands: zapis('open', {service, staff, branch, mode: 'events'|'cabinet'}) (no mode: booking),
 *   zapis('cabinet') (open with that mode), zapis('on', 'open'|'booked'|'close', fn),
 *   zapis('consent', true|false), zapis('language', 'en'), zapis('track', name, props),
 *   zapis('optout'[, false]). window.zapis becomes the real function with zapis.l = 1, which is
 *   also the guard: a second copy of the snippet does nothing.
 * - The modules' window events zapis:open / zapis:booked / zapis:close reach the 'on' callbacks
 *   with the event's detail; the modules themselves send widget_open and booked to the tracker
 *   (zapis('track', '', detail, kind)) and fire the site's analytics goals (Metrica's
 *   reachGoal, GA4/GTM's dataLayer: widget/src/goals.rs).
 *
 * Contract with the built modules, each <name>.<hash>.js and .wasm (cargo xtask dist replaces
 * __ZAPIS_TRACKER__ with the tracker's hash; the config's `modules` gives the others'): all are
 * wasm-bindgen --target web modules: import(base + js) beside
 * WebAssembly.compileStreaming(fetch(base + wasm)), then initSync({module}).
 * - tracker: start(globalThis, site, api = base, consent_required, dnt) (dnt: the site honours
 *   DNT/GPC and navigator.doNotTrack or globalPrivacyControl asks for it; bots and localhost:
 *   the server refuses their beacons unless the site allows them), page(),
 *   flush(), track(kind 0 custom | 1 widget_open | 2 booked, name, props_json) (a name or
 *   props that is no string counts as ""), consent(bool), optout(bool),
 *   context() -> JSON text ({vid, sid, first, last} or null).
 * - widget, events, cabinet: open(opts_json), mount(el, opts_json), set_language(lang); phone:
 *   mount(el, opts_json). opts_json = {site, api: base (ends with "/"),
 *   lang?, service?, staff?, branch? (strings or numbers), mode, ctx} (ctx: the tracker's
 *   context as JSON text, absent without a tracker; other keys of the trigger's dataset or of
 *   zapis('open', …) ride along and are ignored).
 */
((w, d) => {
  const z = w.zapis;
  if (z?.l) return;
  (w.zapis = (...a) => command(...a)).l = 1;

  const script = d.currentScript;
  const base = new URL('.', script.src).href;
  const site = script.dataset.site;
  let lang = script.dataset.lang;
  // Which module an element asks for: [data-zapis-events|cabinet] theirs, the rest the booking
  // widget. A <div> with events or cabinet is inline (mounted in place, like
  // [data-zapis-widget]); any other element opens that module's modal on click.
  const MODES = ['events', 'cabinet'];
  const INLINE = '[data-zapis-widget],div[data-zapis-events],div[data-zapis-cabinet]';
  const CLICK = '[data-zapis-book],:not(div)[data-zapis-events],:not(div)[data-zapis-cabinet]';
  const mode = (el) => MODES.find((m) => el.matches('[data-zapis-' + m + ']')) || 'widget';
  // A trigger's options: its dataset and its module.
  const options = (el) => ({ ...el.dataset, mode: mode(el) });
  const nothing = () => {};
  const on = (target, type, f) => target.addEventListener(type, f);

  // The glue and the wasm download in parallel; the wasm compiles while it streams in, and
  // initSync then only instantiates (the glue's async loader, never bundled, is 0.45 KB gzip).
  const file = (k, hash) => base + k + '.' + hash + '.';
  const load = (k, hash, f = file(k, hash)) =>
    Promise.all([import(f + 'js'), WebAssembly.compileStreaming(fetch(f + 'wasm'))]).then(
      ([m, module]) => (m.initSync({ module }), m),
    );

  const config = fetch(base + 'api/v1/sites/' + site + '/embed')
    .then((r) => r.ok && r.json())
    .catch(nothing)
    .then((c) => c || { consent: 'required' });

  const tracker = Promise.all([load('tracker', '__ZAPIS_TRACKER__'), config]).then(([t, c]) => {
    // (The wasm reads the flags as numbers: `undefined` is 0.)
    t.start(w, site, base, c.consent == 'required', c.honor_dnt && (navigator.doNotTrack == 1 || navigator.globalPrivacyControl));
    // page() runs after the SPA's own code (title updated) and cannot break it by throwing.
    for (const m of ['pushState', 'replaceState']) {
      const original = history[m];
      history[m] = function () {
        queueMicrotask(t.page);
        return original.apply(this, arguments);
      };
    }
    on(w, 'popstate', t.page);
    on(w, 'pagehide', t.flush);
    on(d, 'visibilitychange', () => d.hidden && t.flush());
    return t;
  });
  // A tracker that failed to load, or that throws (a context spoilt by a page script editing
  // localStorage), costs attribution, never the booking.
  const withTracker = (f) => tracker.then(f).catch(nothing);

  // The modules loaded (or loading), by name.
  const mods = {};
  const loadWidget = (k) => (mods[k] = mods[k] || config.then((c) => load(k, c.modules[k])));
  // `o`'s module and its options: `o`'s ids, and the tracker's context for the booking.
  const ready = (o, f) =>
    Promise.all([loadWidget(o.mode || 'widget'), withTracker((t) => t.context())]).then(([wg, ctx]) =>
      f(wg, JSON.stringify({ ...o, site, api: base, lang, ctx })),
    );

  // Opening again replaces what the modal shows: of several early clicks the last one stays.
  const open = (o, link) => ready(o, (wg, opts) => wg.open(opts)).catch(() => link && (location.href = link));

  // (`kind`: the modules' own zapis('track', '', detail, 1 | 2) for widget_open and booked.)
  const command = (name, a, b, kind) => {
    if (name == 'open') open(a);
    // zapis('cabinet'): open({mode: 'cabinet'}) in short.
    if (name == 'cabinet') open({ mode: name });
    if (name == 'on') on(w, 'zapis:' + a, (e) => b(e.detail));
    if (name == 'consent' || name == 'optout') withTracker((t) => t[name](a !== false));
    if (name == 'track') withTracker((t) => t.track(kind | 0, '' + a, JSON.stringify(b)));
    if (name == 'language') {
      lang = a;
      for (const k in mods) mods[k].then((wg) => wg.set_language(a)).catch(nothing);
    }
  };

  // The click trigger an event is on.
  const target = (e) => e.target.closest?.(CLICK);
  for (const type of ['pointerover', 'focusin'])
    on(d, type, (e) => {
      // (Inline ones are loading already.)
      const el = target(e);
      el && loadWidget(mode(el));
    });
  on(d, 'click', (e) => {
    const el = target(e);
    if (el && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      open(options(el), el.href);
    }
  });


  // The floating button comes rendered (styled, labelled, escaped) from the server; a site that
  // tracks calls gets the phone module on the whole page.
  config.then(({ float_button: f, lang: l, modules: m }) => {
    f && d.body.insertAdjacentHTML('beforeend', f[lang] || f[l]);
    m?.phone && ready({ mode: 'phone' }, (p, o) => p.mount(d.body, o)).catch(nothing);
  });

  const scan = () =>
    d.querySelectorAll(INLINE).forEach((el) => {
      if (!el.zapis) {
        el.zapis = 1;
        ready(options(el), (wg, opts) => wg.mount(el, opts)).catch(nothing);
      }
    });
  new MutationObserver(scan).observe(d.documentElement, { childList: true, subtree: true });
  scan();
  // On idle the files of the first click trigger's module only download (the HTTP cache keeps
  // them, immutable): compiling 420 KB of wasm then would be main-thread work the page's visitor
  // did not ask for. (Inline ones are mounted at once.)
  const idle = () =>
    (w.requestIdleCallback || setTimeout)(
      () => {
        const el = d.querySelector(CLICK);
        el && config.then((c) => ['js', 'wasm'].map((x) => fetch(file(mode(el), c.modules[mode(el)]) + x))).catch(nothing);
      },
      { timeout: 3000 },
    );
  d.readyState == 'complete' ? idle() : on(w, 'load', idle);

  for (const a of z?.q || []) command(...a);
})(window, document);
