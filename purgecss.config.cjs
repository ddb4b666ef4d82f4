// `make css`: Bootstrap's CSS (npm package, pinned in package.json) cut down to the selectors the shop's pages can
// use, written to static/css/bootstrap.css, which is committed and linked from templates/base.html.
// A selector is kept when every class, id and element in it appears as a word in one of the files below; anything
// else is dropped. Re-run `make css` after adding a Bootstrap class to a template, form or template tag
// (tests/test_bytes.py fails when a page uses a class the built file lacks).
module.exports = {
  css: ["node_modules/bootstrap/dist/css/bootstrap.min.css"],
  content: [
    "templates/**/*.html",
    "*/templates/**/*.html",
    // Python that writes class names into pages: form widgets' attrs, template tags.
    "*/**/*.py",
    // crispy-forms' Bootstrap 5 templates that `|as_crispy_field` renders (checkout, review and question forms): the
    // field and what it includes. The pack's other layouts (accordion, modal, tabs) are not used by any page.
    ".venv/lib/python*/site-packages/crispy_bootstrap5/templates/bootstrap5/field.html",
    ".venv/lib/python*/site-packages/crispy_bootstrap5/templates/bootstrap5/layout/{field_file,help_text_and_errors,radio_checkbox_select,attrs,field_errors,field_errors_block,help_text}.html",
    "static/js/**/*.js",
  ],
  skippedContentGlobs: [".venv/bin/**", "tests/**", "*/tests/**", "*/migrations/**", "bench/**", "mutation/**"],
  output: "static/css/bootstrap.css",
  safelist: {
    // Classes a template builds from a value: alert-{{ message.tags }} (messages: success, info, warning; error
    // shows as danger).
    standard: [/^alert-(primary|secondary|success|info|warning|danger|light|dark)$/],
  },
  // Drop the custom properties and keyframes nothing kept refers to.
  variables: true,
  keyframes: true,
};
