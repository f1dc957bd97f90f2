"""The browser editor (Decap CMS): its configuration made from the content schema, and its
page, served by the preview and optionally published with the site."""
