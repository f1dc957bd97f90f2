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

// The index is in shards (sitegen/search.py): pagefind/shards.json lists each
// language's shards, its index of recent edits, the vocabulary pages of that index and
// the old entries of edited pages, to hide. The first shard is loaded with the others
// merged into it, each tagged with its name (pagefind's mergeFilter), so one search
// covers every page and can be limited to some indexes. The list and the first
// shard's script are fetched together.
async function open(root, language) {
  const index = new URL(status.dataset.index, document.baseURI);
  const listed = fetch(new URL("shards.json", index)).then((response) => {
    if (!response.ok) throw new Error(`shards.json: ${response.status}`);
    return response.json();
  });
  const first = import(new URL(`${language}-0/pagefind.js`, index).href);
  const [manifest, pagefind] = await Promise.all([listed, first]);
  const entry = manifest[language] || { shards: [] };
  if (entry.shards[0] !== `${language}-0`) throw new Error(`no search index for ${language}`);
  // Result addresses start at the site's root, wherever the site is published.
  await pagefind.options({ baseUrl: root });
  await pagefind.options({ mergeFilter: { shard: entry.shards[0] } });
  const others = entry.shards.slice(1).concat(entry.recent ? [entry.recent] : []);
  await Promise.all(
    others.map((name) =>
      pagefind.mergeIndex(new URL(`${name}/`, index).pathname, { baseUrl: root, mergeFilter: { shard: name } }),
    ),
  );
  return { pagefind, entry };
}

// The shards that may answer `query`. pagefind answers each index with its own words:
// for a word an index lacks it uses a shorter one it has, so a shard without the word
// would list pages one index of the site never would. The index of recent edits holds
// a page with each shard's words, so it knows, for each word of the query, which
// shards have the words the whole site would match: only shards that have them for
// every word may answer. (A quoted phrase is matched exactly: every shard may.)
async function routed(pagefind, entry, query) {
  const owner = entry.vocabulary || {};
  const known = new Set(Object.values(owner));
  let allowed = entry.shards;
  if (entry.recent && !query.includes('"')) {
    const words = query.split(/\s+/).filter(Boolean);
    const found = await Promise.all(words.map((word) => pagefind.search(word, { filters: { shard: entry.recent } })));
    for (const search of found) {
      if (search.results.length === 0) continue; // a word the site has nothing like
      const having = new Set(search.results.map((result) => owner[result.id]));
      allowed = allowed.filter((name) => having.has(name) || !known.has(name));
    }
  }
  return entry.recent ? allowed.concat([entry.recent]) : allowed;
}

async function find(opened, query) {
  const { pagefind, entry } = opened;
  const allowed = await routed(pagefind, entry, query);
  const search = await pagefind.search(query, { filters: { shard: { any: allowed } } });
  // Drop the vocabulary pages, the old entries of edited pages, and any page twice.
  const seen = new Set([...Object.keys(entry.vocabulary || {}), ...(entry.hidden || [])]);
  return search.results.filter((result) => {
    if (seen.has(result.id)) return false;
    seen.add(result.id);
    return true;
  });
}

async function run(query) {
  say(text("textSearching"));
  let opened;
  try {
    const language = (document.documentElement.lang || "unknown").toLowerCase();
    opened = await open(new URL(status.dataset.root, document.baseURI).pathname, language);
  } catch (error) {
    unavailable();
    return;
  }
  const results = await find(opened, query);
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
