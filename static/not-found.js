// The one /404.html that GitHub Pages serves for every missing address. Without this file
// the page reads in the default language, with each other language's section below it
// (its own lang). A reader who came to an address in another language's folder (/es/...)
// gets that language's whole not-found page (es/404.html: its header, search and links),
// at the address they typed, so they can still see and correct it.
(function () {
  var path = window.location.pathname;
  document.querySelectorAll("[data-not-found]").forEach(function (section) {
    var home = section.getAttribute("data-not-found");
    if (path.indexOf(home) !== 0) return;
    var main = document.querySelector("main");
    main.insertBefore(section, main.firstChild);  // at once, and if the fetch below fails
    fetch(home + "404.html").then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.text();
    }).then(function (text) {
      var page = new DOMParser().parseFromString(text, "text/html");
      document.documentElement.lang = page.documentElement.lang;
      document.title = page.title;
      document.body.replaceWith(document.importNode(page.body, true));
    }).catch(function () { /* the section moved to the top says it in that language */ });
  });
})();
