// Search as you type: completions from /api/suggest in an ARIA combobox
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/). The pages work without it.
(function () {
  "use strict";

  var DELAY_MS = 120;

  function isTyping(el) {
    return (
      el &&
      (el.isContentEditable || el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT")
    );
  }

  function setup(field) {
    var input = field.querySelector("input[name=q]");
    if (!input || !window.fetch) return;
    var form = input.form;
    var endpoint = field.getAttribute("data-suggest");
    var listId = input.id + "-suggestions";

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    field.appendChild(list);

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    field.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");

    var options = [];
    var active = -1;
    var timer = 0;
    var controller = null;
    var typed = input.value;

    function open() {
      if (!options.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function setActive(index) {
      options.forEach(function (li, i) {
        li.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        // the reader is choosing from this list: a fetch still due (the pause
        // after the last key) must not rebuild it under the selection
        cancel();
        input.setAttribute("aria-activedescendant", options[index].id);
        input.value = options[index].getAttribute("data-value");
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    // suggestions: {text, matches?, lang?}; a word of another script that sounds
    // like the word typed is shown with it: "تنگستن ≈ tung"
    function render(query, suggestions) {
      list.textContent = "";
      options = suggestions.map(function (s, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.className = "suggestion";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-value", s.text);
        var span = document.createElement("span");
        span.className = "suggestion__text";
        span.dir = "auto";
        if (s.lang) span.lang = s.lang;
        span.textContent = s.text; // text only: never parsed as HTML
        li.appendChild(span);
        if (s.matches) {
          li.classList.add("suggestion--across");
          var match = document.createElement("span");
          match.className = "suggestion__matches";
          match.dir = "auto";
          match.textContent = "\u2248 " + s.matches;
          li.appendChild(match);
          li.setAttribute("aria-label", s.text + ", sounds like " + s.matches);
        }
        list.appendChild(li);
        return li;
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (options.length) {
        open();
        status.textContent =
          options.length + (options.length === 1 ? " suggestion" : " suggestions") + "; use the arrow keys to choose.";
      } else {
        close();
        status.textContent = "";
      }
    }

    function fetchSuggestions() {
      var query = input.value;
      if (controller) controller.abort();
      if (!query.trim()) {
        render(query, []);
        return;
      }
      controller = window.AbortController ? new AbortController() : null;
      fetch(endpoint + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (data) {
          if (input.value !== query) return; // the reader typed on
          var seen = {};
          var across = {};
          (Array.isArray(data.across) ? data.across : []).forEach(function (a) {
            if (a && typeof a.text === "string" && typeof a.matches === "string") across[a.text] = a;
          });
          var suggestions = (Array.isArray(data.suggestions) ? data.suggestions : [])
            .filter(function (s) {
              var fresh = typeof s === "string" && !seen[s] && s !== query;
              seen[s] = true;
              return fresh;
            })
            .map(function (s) {
              var a = across[s];
              return {
                text: s,
                matches: a ? a.matches : null,
                lang: a && typeof a.lang === "string" ? a.lang : null,
              };
            });
          render(query, suggestions);
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") return;
          render(query, []);
        });
    }

    function choose(index) {
      if (index < 0 || index >= options.length) return;
      input.value = options[index].getAttribute("data-value");
      close();
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
    }

    function cancel() {
      window.clearTimeout(timer);
      if (controller) controller.abort();
    }

    input.addEventListener("input", function () {
      typed = input.value;
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var expanded = !list.hidden;
      switch (event.key) {
        case "ArrowDown":
          if (!options.length) return;
          event.preventDefault();
          if (!expanded) {
            open();
            setActive(0);
          } else if (active + 1 < options.length) {
            setActive(active + 1);
          } else {
            setActive(-1);
            input.value = typed;
          }
          break;
        case "ArrowUp":
          if (!expanded || !options.length) return;
          event.preventDefault();
          if (active === -1) {
            setActive(options.length - 1);
          } else if (active === 0) {
            setActive(-1);
            input.value = typed;
          } else {
            setActive(active - 1);
          }
          break;
        case "Enter":
          if (expanded && active >= 0) {
            event.preventDefault();
            choose(active);
          } else {
            cancel();
            close();
          }
          break;
        case "Escape":
          cancel();
          if (expanded) {
            event.preventDefault();
            if (active >= 0) input.value = typed;
            close();
          }
          break;
        case "Tab":
          cancel();
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", function () {
      cancel();
      close();
    });

    // Clicking an option must not blur the box first.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    list.addEventListener("click", function (event) {
      var li = event.target.closest("[role=option]");
      if (li) choose(options.indexOf(li));
    });

    return input;
  }

  function init() {
    // The date filter starts open where there is room for it.
    var dates = document.querySelector("details.filter--dates");
    if (dates && window.matchMedia && window.matchMedia("(min-width: 52.01rem)").matches) {
      dates.open = true;
    }
    var fields = document.querySelectorAll(".search-field[data-suggest]");
    var first = null;
    for (var i = 0; i < fields.length; i++) {
      var input = setup(fields[i]);
      first = first || input;
    }
    // "/" anywhere goes to the search box, as on many search sites.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "/" || !first || isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) {
        return;
      }
      event.preventDefault();
      first.focus();
      first.select();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
