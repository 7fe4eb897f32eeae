// Finds the target once Streamlit has drawn it (lazily loaded widgets show a placeholder first),
// scrolls it to the middle of the view and moves keyboard focus to it: the first form control
// inside it for a field, the element itself (made focusable) for a message. Checks twice more
// that focus stayed, since Streamlit may still be drawing the rest of the page.
// Loaded by dtmaturity/web/focus.py, which calls it with the element's CSS selector and whether
// it is a form field: `(…)(".st-key-…", true)`.
((selector, field) => {
  const started = Date.now();
  // Only the newest request moves focus: an older one still checking (the error summary's,
  // say) must not pull focus back once a later run has asked for another target (the field a
  // summary link opened), however the two runs' timers interleave on a busy machine.
  const request = (window.__dtFocusRequest = (window.__dtFocusRequest || 0) + 1);
  const controls = 'input:not([type="hidden"]), textarea, [role="combobox"], button';
  function target() {
    const box = document.querySelector(selector);
    if (!box || box.querySelector('[data-testid="stSkeleton"]')) return null;
    if (!field) return box.querySelector('[data-testid="stAlertContainer"]') || box;
    return box.querySelector('input:checked') || box.querySelector(controls);
  }
  // Focus may fall back to the page or to the pressed button while the run is still being
  // drawn, so the focus is checked twice more; but once the person has moved it elsewhere
  // (a link in the error summary, the next field), it is theirs and stays where they put it.
  const before = document.activeElement;
  function place(checks, first) {
    if (window.__dtFocusRequest !== request) return;
    const el = target();
    if (!el) {
      if (Date.now() - started < 15000) setTimeout(() => place(checks, first), 100);
      return;
    }
    const active = document.activeElement;
    const fellBack = !active || active === document.body || active === before;
    if (!first && !fellBack && !el.contains(active)) return;
    if (!el.contains(active)) {
      if (field) {  // the field's label at the top, its message below it in view
        const box = document.querySelector(selector);
        box.style.scrollMarginTop = '5rem';
        box.scrollIntoView({block: 'start'});
      } else {
        if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
        el.scrollIntoView({block: 'center'});
      }
      el.focus({preventScroll: true});
    }
    if (checks > 0) setTimeout(() => place(checks - 1, false), 400);
  }
  place(2, true);
})
