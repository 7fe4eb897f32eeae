// Tells browsers and screen readers the page's language (dtmaturity/web/language.py,
// mark_document_language), called with one of the app's own language codes: `(…)("nb")`.
(code => {
  document.documentElement.lang = code;
})
