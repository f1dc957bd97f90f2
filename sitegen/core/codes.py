"""Every diagnostic code the build and `check` can report, with its level, what it means and the fix.

One table, so that a code's level is declared once: `errors.Diagnostic` takes the level from
here (and the fix, when the finding gives none). The README's code tables are tested against
it (tests/test_codes.py), and so is the source: a code reported anywhere in `sitegen/` and
missing here, or listed here and reported nowhere, fails the tests.

`level` is the level with the shipped settings. `check` names the group under `checks:` in
config.yaml that can turn the finding off. `otherwise` says when the level is another one (a
setting or a case); a code without it is always reported at `level`, whatever the caller says.
This module imports nothing, so that everything can read it.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Level = Literal["error", "warning"]


class Code(NamedTuple):
    level: Level
    summary: str
    fix: str
    check: str = ""
    otherwise: str = ""


E: Level = "error"
W: Level = "warning"

_FILES = {
    "file-empty": Code(E, "The file is empty.", 'Start it with front matter, or run `build.py new "Title"`.'),
    "file-encoding": Code(E, "The file is not saved as UTF-8 text.", "Save it again as UTF-8."),
    "file-nul-byte": Code(E, "The file holds a NUL byte: it is not a text file.", "Save it again as plain UTF-8 text."),
    "file-too-large": Code(E, "The file is larger than the limit.", "Split it into several articles."),
    "file-unreadable": Code(E, "The file cannot be read.", "Check that it exists and that you may read it."),
    "file-not-regular": Code(
        E, "A folder or special file is where a file was expected; it is not read.", "Replace it with a file."
    ),
    "link-outside-project": Code(
        E, "A link (symlink) leads out of the project; it is not read.", "Put a copy of the file itself in its place."
    ),
    "link-private": Code(
        E,
        "A link (symlink) leads into a hidden folder of the project (.git, .cache) or to a folder that holds it.",
        "Link to the file you mean, or put a copy of it in its place.",
    ),
    "link-dangling": Code(
        E, "A link (symlink) leads nowhere, or round in a loop; it is not read.", "Put the file itself in its place."
    ),
    "config-folder": Code(
        E,
        "A folder in config.yaml's `paths:` is outside the project, hidden, the project itself, or mixed with content.",
        "Name a folder of its own inside the project (`static: static`); content kept elsewhere: `--content PATH`.",
    ),
    "content-missing": Code(E, "There is no articles folder.", "Check `paths: content` in config.yaml (or --content)."),
    "source-changed": Code(E, "A file changed while the site was being built.", "Build again."),
    "write-failed": Code(E, "The site could not be written.", "Free disk space or fix the folder's permissions."),
    "output-unsafe": Code(
        E, "The output folder is, holds or is inside a project folder.", "Give `paths: output` a folder of its own."
    ),
    "output-foreign": Code(
        E, "The output folder holds files this generator did not make.", "Use an empty or new folder for --out."
    ),
    "build-running": Code(E, "Another build of the project is running.", "Wait for it to finish, then build again."),
    "cache-not-saved": Code(
        W, "The site was published, but the build cache could not be saved.", "Free disk space or fix permissions."
    ),
    "internal-error": Code(E, "The preview could not rebuild: a bug in the generator.", "Report it with the message."),
}

_YAML = {
    "yaml-syntax": Code(E, "The YAML cannot be read.", "Quote text that holds a colon; the message names the line."),
    "yaml-unclosed": Code(E, "A quote or bracket is opened and never closed.", "Close it on the line it opens."),
    "yaml-value": Code(E, "A value cannot be read.", "Put unusual values in double quotes."),
    "yaml-duplicate-key": Code(E, "A key is written twice.", "Keep one of them."),
    "yaml-alias": Code(E, "YAML anchors and aliases (& and *) are not allowed.", "Write the value out in full."),
    "yaml-tag": Code(E, "A YAML `!` tag or merge key is not allowed.", "Write a plain value."),
    "yaml-too-deep": Code(E, "The YAML is nested too deeply.", "Use at most three levels of nesting."),
    "yaml-too-large": Code(E, "The YAML block is too large.", "Move long text into the article body."),
}

_CONFIG = {
    "config-missing": Code(E, "There is no config file.", "Run from the project folder, or pass --config PATH."),
    "config-unreadable": Code(E, "The config file cannot be read.", "Save config.yaml as UTF-8 text."),
    "config-not-mapping": Code(E, "config.yaml is not a set of `key: value` lines.", "Follow the shipped config.yaml."),
    "config-unknown-key": Code(
        E,
        "config.yaml has a setting the generator does not know.",
        "Fix its spelling (the message suggests one) or remove it.",
        otherwise="a warning for a setting that is no longer used",
    ),
    "config-type": Code(E, "A setting has the wrong kind of value.", "Give it the kind of value the message names."),
    "config-value": Code(E, "A setting has a value it cannot take.", "Use one of the values the message names."),
    "editor-not-installed": Code(
        E, "config.yaml publishes the browser editor, which is not installed.", "Run `npm ci --prefix tools/cms`."
    ),
    "people-not-mapping": Code(E, "The people file does not list people by key.", "Start each entry with its key."),
    "people-key": Code(E, "A person's key is not usable.", "Use lower-case letters, digits and hyphens."),
    "people-entry": Code(E, "A person's entry is not a set of fields.", "Indent `name:` and the rest below the key."),
    "people-unknown-key": Code(E, "A person's entry has an unknown field.", "Fix its spelling or remove it."),
    "people-type": Code(E, "A field of a person has the wrong kind of value.", "Write it as the message shows."),
    "people-name": Code(E, "A person has no name.", "Add `name: ...` below their key."),
    "people-clinician": Code(
        E, "A person's entry does not say if they are a clinician.", "Add `clinician: true/false`."
    ),
}

_ARTICLES = {
    "front-matter-missing": Code(E, "The file does not start with front matter.", "Start it with a `---` line."),
    "front-matter-unclosed": Code(E, "The front matter is never closed.", "Add a `---` line after the last field."),
    "front-matter-not-mapping": Code(E, "The front matter is not `key: value` fields.", "Write one field a line."),
    "unknown-key": Code(E, "A key the generator does not know.", "Fix its spelling (the message suggests one)."),
    "missing-field": Code(E, "A required field is missing.", "Add it."),
    "empty-field": Code(E, "A required field is empty.", "Write its value after the colon."),
    "wrong-type": Code(E, "A field has the wrong kind of value.", "Write it as the message shows."),
    "bad-date": Code(E, "A date is not a real date written YYYY-MM-DD.", "Write it as 2026-01-13."),
    "bad-slug": Code(E, "A slug or alias cannot be a web address.", "Use lower-case letters, digits and hyphens."),
    "slug-duplicate": Code(E, "Two articles or pages have the same address.", "Give one another `slug:`."),
    "title-duplicate": Code(E, "Two articles have the same title.", "Give each a title that says how it differs."),
    "alias-clash": Code(E, "An alias is another page's address.", "Remove it from `aliases:`."),
    "topic-clash": Code(E, "Two topics would share one page.", "Use one spelling of the topic."),
    "page-menu": Code(E, "A page's `menu:` is not a place pages are linked from.", "Write `menu: main` or `footer`."),
    "person-unknown": Code(E, "A field names someone who is not in people.yaml.", "Add them, or fix the key."),
    "reviewer-not-clinician": Code(E, "The reviewer is not a clinician.", "Have a clinician review the article."),
    "reference-key": Code(E, "A reference's `key:` cannot be cited.", "Use letters, digits, `-` and `_`."),
    "reference-key-duplicate": Code(E, "Two references have one key.", "Give one of them its own `key:`."),
    "translation-of-file": Code(E, "`translation_of:` is not a file name.", "Write the English file's name with .md."),
    "translation-digest": Code(
        E, "`translated_from_text:` was edited by hand.", "Run `build.py translations --done FILE`."
    ),
    "front-matter-hash": Code(
        E, "A # in a value started a comment: the text after it was left out.", "Put the value in double quotes."
    ),
    "front-matter-markdown": Code(E, "Markdown in front matter, where it is shown as typed.", "Write plain text."),
    "front-matter-list": Code(E, "A list written as one text (bullets, commas).", "Start each item with `- `."),
    "glossary-not-list": Code(E, "The glossary is not a list of terms.", "Start each entry with `- term: ...`."),
    "glossary-entry": Code(E, "A glossary entry is not a set of fields.", "Write `- term:` then `definition:`."),
    "glossary-duplicate": Code(E, "A term is defined twice.", "Keep one; list other spellings under `aliases:`."),
}

_GUIDES = {
    "guide-entry": Code(E, "The guides file is not laid out as guides by key.", "Follow the layout the fix shows."),
    "guide-key": Code(E, "A guide's key or slug cannot be a web address.", "Use lower-case letters and hyphens."),
    "guide-language": Code(E, "A guide has a block for a language the site has not.", "Use one of `languages:`."),
    "guide-unknown-key": Code(E, "A guide has an unknown key.", "Fix its spelling or remove it."),
    "guide-slug-duplicate": Code(E, "Two guides would share one page.", "Give one another `slug:`."),
    "guide-article-missing": Code(
        E,
        "A guide names an article that is not published.",
        "Fix the name.",
        check="links",
        otherwise="checks.links.level",
    ),
    "guide-article-twice": Code(
        E,
        "An article is in two guides, or twice in one.",
        "Keep it once.",
        check="links",
        otherwise="checks.links.level",
    ),
}

_MARKDOWN = {
    "markdown-failed": Code(E, "The article could not be converted.", "Simplify unusual markup in it."),
    "markdown-too-slow": Code(E, "The article takes too long to convert.", "Remove long runs of unclosed brackets."),
    "nesting-too-deep": Code(E, "Lists, quotes or callouts are nested too deeply.", "Split the deep part."),
    "syntax-not-understood": Code(E, "Text the Markdown did not understand as meant.", "Follow the message's fix."),
    "attribute-unsafe": Code(E, "An attribute `{: ... }` that articles may not set.", "Remove it."),
    "callout-kind": Code(E, "An unknown callout kind.", "Use one of the kinds the message lists."),
    "callout-indent": Code(E, "A callout's text is not indented by four spaces.", "Indent it by four spaces."),
    "callout-outside": Code(
        E,
        "A list right after a box that ends in a list: it shows below the box.",
        "Indent it by four spaces, or write a sentence between them.",
    ),
    "callout-empty": Code(W, "A callout has no text.", "Write its text below it, or remove it."),
    "callout-list": Code(W, "A do/don't box has no list.", "Start each point with `- `."),
    "care-card-count": Code(W, "Too many care cards on one page.", "Keep the one or two that matter most."),
    "table-caption": Code(E, "A `Table:` caption line is not right above a table.", "Put it just before the header."),
    "citation-unknown": Code(E, "A citation names no reference of the article.", "Cite an existing key."),
    "link-broken": Code(
        E, "A link to a page that does not exist.", "Fix the file name.", check="links", otherwise="checks.links.level"
    ),
    "link-unsafe": Code(E, "A link with an unsafe scheme (`javascript:`...).", "Link to web pages or articles."),
    "image-missing": Code(
        E, "No such image in content/images/.", "Fix the name.", check="images", otherwise="checks.images.level"
    ),
    "image-external": Code(
        E, "An image from another site: the site shows only its own files.", "Save it in content/images/."
    ),
    "image-alt-missing": Code(
        E, "An image has no alt text.", "Describe it.", check="images", otherwise="checks.images.level"
    ),
    "image-alt-empty": Code(E, "Empty alt text, but the record is not decorative.", "Describe the image."),
    "image-decorative-alt": Code(E, "A decorative image has alt text.", "Write `![](...)` or undo decorative."),
    "image-alt-redundant": Code(W, "The alt text starts 'image of'.", "Start with what it shows."),
    "image-alt-caption": Code(W, "The alt text repeats the caption.", "Let it say what the image shows."),
    "image-record-untranslated": Code(
        W, "A figure's credit or description is only in English.", "Add them under the language in images.yaml."
    ),
    "image-translation-available": Code(W, "A translated version of the image exists.", "Show that version."),
}

_IMAGES = {
    "image-not-a-file": Code(E, "An image name that is not a file (a broken link).", "Put the file in its place."),
    "image-unreadable": Code(E, "The file is not an image the site can read.", "Save it as PNG, JPEG or SVG."),
    "image-damaged": Code(E, "The image is cut short or damaged.", "Export or copy it again."),
    "image-too-many-pixels": Code(E, "The image declares too many pixels.", "Export it at a real size."),
    "image-record-shape": Code(E, "images.yaml is not laid out as records by file name.", "Follow the example."),
    "image-record-key": Code(E, "A record has an unknown detail.", "Fix its spelling or remove it."),
    "image-record-missing": Code(E, "The image has no record in images.yaml.", "Add its credit and licence."),
    "image-credit-missing": Code(E, "The record has no `credit:`.", "Add who made the image."),
    "image-licence-missing": Code(E, "The record has no `licence:`.", "Add its licence."),
    "image-record-unknown": Code(W, "A record for an image that does not exist.", "Remove it or fix its name."),
    "image-unused": Code(W, "No article shows the image.", "Use it or delete it."),
    "image-over-budget": Code(W, "The image is larger than the budget.", "Save a smaller version."),
    "image-svg-unsafe": Code(E, "The SVG holds a script, handler or outside reference.", "Export it as plain SVG."),
    "image-svg-invalid": Code(E, "The SVG cannot be read.", "Export it again as SVG."),
    "image-svg-encoding": Code(E, "The SVG is not UTF-8 text.", "Save it again as UTF-8."),
    "image-svg-too-deep": Code(E, "The SVG nests its elements too deeply.", "Ungroup it, or export it again."),
    "image-svg-dropped": Code(W, "Parts not needed to draw the SVG were left out.", "Export as plain SVG."),
}

_BUILD = {
    "template-syntax": Code(E, "A template has a syntax error.", "Fix the tags on the line named."),
    "template-missing": Code(E, "A template is missing.", "Restore it from git or fix the name."),
    "template-error": Code(E, "A template failed while rendering.", "Check the names it uses on that line."),
    "search-failed": Code(E, "The search indexer is missing or did not finish.", "Install it, or build again."),
    "search-empty": Code(E, "The search indexer found no pages.", "Mark the templates' text data-pagefind-body."),
}


def _check(group: str, level: Level, summary: str, fix: str, always: bool = False) -> Code:
    """A quality check's finding: `checks: {group: ...}` turns it off, and sets its level unless `always`."""
    return Code(level, summary, fix, group, "" if always else f"checks.{group}.level")


_CHECKS = {
    "review-missing": _check("review", E, "No `reviewed:` date.", "Add the date of its last medical review."),
    "review-future": _check("review", E, "`reviewed:` is in the future.", "Use the date the review happened."),
    "review-before-published": _check("review", E, "`reviewed:` is before `date:`.", "Check both dates."),
    "review-overdue": Code(
        W, "The medical review is overdue.", "Have it reviewed; update `reviewed:`.", "review", "checks.review.overdue"
    ),
    "review-due-soon": _check("review", W, "The next review is due soon.", "Plan the review now.", always=True),
    "readability-grade": _check("readability", W, "The reading grade is too high.", "Use shorter sentences."),
    "readability-score": _check("readability", W, "The readability score is too low.", "Use shorter sentences."),
    "readability-sentence": _check("readability", W, "One sentence is very hard to read.", "Split it."),
    "jargon-term": _check("jargon", W, "A word readers may not know, unexplained.", "Use plainer words or explain it."),
    "link-malformed": _check("links", E, "A web address is not well-formed.", "Copy it from the address bar."),
    "link-anchor": _check("links", E, "A link names a section that does not exist.", "Fix the `#section`."),
    "publisher-unknown": _check("links", E, "`publisher:` is not a key of people.yaml.", "Add it to people.yaml."),
    "start-here-missing": _check("links", E, "`start_here:` names an unpublished article.", "Fix the name."),
    "article-moved": _check(
        "links", W, "A published address has no article any more.", "Add it to the article's `aliases:`.", always=True
    ),
    "image-alt-filename": _check("images", E, "The alt text is the file name.", "Describe what the image shows."),
    "references-none": _check("references", W, "No references.", "Add the sources under `references:`.", always=True),
    "reference-unverifiable": _check("references", E, "A reference has no doi, pmid or url.", "Add one."),
    "reference-doi": _check("references", E, "A DOI is not well-formed.", "Write it as 10.1038/nrn3275."),
    "reference-pmid": _check("references", E, "A PMID is not well-formed.", "Write the number only."),
    "reference-url": _check("references", E, "A reference's url is not a web address.", "Use a full https:// address."),
    "reference-uncited": _check("references", W, "A reference is never cited.", "Cite it or remove it.", always=True),
    "citations-none": _check("references", W, "References, but no citations.", "Cite them.", always=True),
    "disclaimer-missing": _check("disclaimer", E, "No medical disclaimer.", "Set `disclaimer:` in config.yaml."),
    "takeaways-count": _check("takeaways", E, "Too few or too many takeaways.", "Give 1 to 6."),
    "takeaway-long": _check("takeaways", E, "A takeaway is too long.", "Keep it to one short sentence."),
    "summary-long": _check("takeaways", E, "The summary is too long.", "Keep it under 300 characters."),
    "heading-h1": _check("headings", E, "A second top-level heading.", "Start sections with `##`."),
    "heading-skip": _check("headings", E, "A heading skips a level.", "Use the next level down."),
    "glossary-term": _check("glossary", E, "A glossary term has odd characters.", "Write it as articles do."),
    "glossary-see-also": _check("glossary", E, "`see_also:` names an undefined term.", "Fix the name."),
    "template-text": _check("template", E, "Stand-in text from `new` is left.", "Replace it with the article's own."),
    "translation-stale": Code(
        W,
        "The English original changed since the translation was made.",
        "Bring it up to date, then run `build.py translations --done FILE`.",
        otherwise="translations.stale in config.yaml",
    ),
    "translation-of-missing": Code(E, "`translation_of:` names no published file.", "Write the English file's name."),
}

CODES: dict[str, Code] = {
    **_FILES,
    **_YAML,
    **_CONFIG,
    **_ARTICLES,
    **_GUIDES,
    **_MARKDOWN,
    **_IMAGES,
    **_BUILD,
    **_CHECKS,
}
