/* Find a book on the download page: the search box narrows the cards to those whose title,
   excerpt, categories or tags hold every word typed; the year and category filters narrow
   them further. Without this script the form stays hidden and every book is listed. */
(function () {
  "use strict";
  var form = document.querySelector("form.finder");
  if (!form) { return; }
  var text = document.getElementById("find-text");
  var year = document.getElementById("find-year");
  var category = document.getElementById("find-category");
  var found = document.getElementById("found");
  var template = form.getAttribute("data-shown");
  var entries = [].slice.call(document.querySelectorAll("main article.entry"));
  var sections = [].slice.call(document.querySelectorAll("main section"));

  function fold(value) {
    return value.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  var books = null; /* read from the cards on first use, not while the page loads */

  function read() {
    return entries.map(function (entry) {
      var heading = entry.querySelector("h2, h3, h4");
      var excerpt = entry.querySelector(".excerpt");
      var cats = entry.getAttribute("data-cats") || "";
      var tags = entry.getAttribute("data-tags") || "";
      return {
        entry: entry,
        year: entry.getAttribute("data-year") || "",
        cats: cats ? cats.split("|") : [],
        text: fold([heading ? heading.textContent : "", excerpt ? excerpt.textContent : "",
                    cats.replace(/\|/g, " "), tags.replace(/\|/g, " ")].join(" "))
      };
    });
  }

  function update() {
    books = books || read();
    var words = fold(text.value).split(/\s+/).filter(Boolean);
    var wantYear = year ? year.value : "";
    var wantCategory = category ? category.value : "";
    var shown = 0;
    books.forEach(function (book) {
      var match = (!wantYear || book.year === wantYear) &&
        (!wantCategory || book.cats.indexOf(wantCategory) >= 0) &&
        words.every(function (word) { return book.text.indexOf(word) >= 0; });
      book.entry.hidden = !match;
      if (match) { shown += 1; }
    });
    sections.forEach(function (section) {
      section.hidden = !section.querySelector("article.entry:not([hidden])");
    });
    found.textContent = template.replace("{shown}", shown).replace("{total}", books.length);
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); });
  text.addEventListener("input", update);
  if (year) { year.addEventListener("change", update); }
  if (category) { category.addEventListener("change", update); }
  form.hidden = false;
  if (text.value || (year && year.value) || (category && category.value)) { update(); }
})();
