// The browser editor's own script (sitegen/cms.py): Decap CMS is loaded before it, from
// this site. Its preview pane shows an article with the site's own stylesheet.
/* global CMS */
(function () {
  "use strict";
  if (typeof CMS === "undefined") {
    return;
  }
  CMS.registerPreviewStyle(new URL("../static/site.css", document.baseURI).href);
})();
