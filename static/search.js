// The search page: reads ?q= from the address, asks pagefind's index, lists the results.
// Results are built as DOM nodes here (not pagefind's ready-made UI, which injects
// styles the site's CSP forbids). Without this script the page shows a link to the topics.
const status = document.querySelector("[data-search-status]");
const list = document.querySelector("[data-search-results]");
const fallback = document.querySelector("[data-search-fallback]");
const input = document.getElementById("search-page-q");
const MAX_RESULTS = 20;

function say(text) {
  status.textContent = text;
}

// The messages come from the page (templates/search.html), in its language.
function text(name, values = {}) {
  const template = status.dataset[name] || "";
  return template.replace(/\{(query|n|max)\}/g, (_, key) => String(values[key]));
}

// pagefind's excerpts are text with <mark> around the matched words. Copy only that
// text and those marks, through an inert <template>, so nothing else from the index
// can become markup.
function excerpt(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const paragraph = document.createElement("p");
  paragraph.className = "search-excerpt";
  // An excerpt is a window into the page, usually mid-sentence: say so.
  paragraph.append("… ");
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      paragraph.append(mark);
    } else {
      paragraph.append(node.textContent);
    }
  }
  paragraph.append(" …");
  return paragraph;
}

// A result on the glossary page goes to the word itself (glossary/#gadolinium), not
// to the top of a long page: the term named like the query, else the one the query
// is found in most often. Each term is a heading with an id, which pagefind reports
// as a sub-result.
function onGlossary(data, query) {
  const glossary = new URL(status.dataset.glossary, document.baseURI).pathname;
  if (new URL(data.url, document.baseURI).pathname !== glossary) return data;
  const terms = (data.sub_results || []).filter((sub) => sub.url.includes("#"));
  if (terms.length === 0) return data;
  const wanted = query.toLowerCase();
  const named = terms.find((sub) => sub.title.toLowerCase() === wanted);
  const best = named || terms.reduce((a, b) => ((b.locations || []).length > (a.locations || []).length ? b : a));
  return { url: best.url, excerpt: best.excerpt, meta: { title: `${text("textGlossary")}: ${best.title}` } };
}

function item(data) {
  const li = document.createElement("li");
  li.className = "search-result";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = (data.meta && data.meta.title) || data.url;
  heading.append(link);
  li.append(heading, excerpt(data.excerpt || ""));
  return li;
}

function unavailable() {
  say(text("textError"));
  fallback.hidden = false;
}

// One pagefind index per language (sitegen/build/search.py): the page names its
// language's folder (data-index), and pagefind is used as it documents its JS API.
async function open(root) {
  const index = new URL(status.dataset.index, document.baseURI);
  const pagefind = await import(new URL("pagefind.js", index).href);
  // Result addresses start at the site's root, wherever the site is published.
  await pagefind.options({ baseUrl: root });
  return pagefind;
}

async function run(query) {
  say(text("textSearching"));
  let pagefind;
  try {
    pagefind = await open(new URL(status.dataset.root, document.baseURI).pathname);
  } catch (error) {
    unavailable();
    return;
  }
  const { results } = await pagefind.search(query);
  const total = results.length;
  const shown = await Promise.all(results.slice(0, MAX_RESULTS).map((result) => result.data()));
  list.replaceChildren(...shown.map((data) => item(onGlossary(data, query))));
  list.hidden = total === 0;
  if (total === 0) {
    say(text("textNone", { query }));
    fallback.hidden = false;
  } else {
    const values = { query, n: total, max: MAX_RESULTS };
    say(text(total > MAX_RESULTS ? "textMore" : total === 1 ? "textOne" : "textMany", values));
  }
}

if (status && list && input) {
  fallback.hidden = true;
  document.querySelector("[data-search-nojs]").hidden = true;
  const query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  input.value = query;
  if (query) {
    run(query).catch(unavailable);
  } else {
    say(text("textPrompt"));
  }
}
