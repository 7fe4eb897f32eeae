// The error summary's links move focus to their field (dtmaturity/web/focus.py, error_summary).
// One listener for the document, added once: a summary drawn again (React may replace its
// links at any rerun) needs nothing bound to its new links, and no click can come too early.
if (!window.dtErrorSummaryLinks) {
  window.dtErrorSummaryLinks = true;
  document.addEventListener('click', event => {
    const link = event.target.closest && event.target.closest('[data-dt-field]');
    if (!link) return;
    event.preventDefault();
    const box = document.querySelector('.' + link.dataset.dtField);
    const control = box && (box.querySelector('input:checked')
      || box.querySelector('input:not([type="hidden"]), textarea, [role="combobox"]'));
    if (!control) return;
    box.style.scrollMarginTop = '5rem';
    box.scrollIntoView({block: 'start'});
    control.focus({preventScroll: true});
  });
}
