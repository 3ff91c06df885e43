// The query page: YASGUI on our own /sparql, one tab per example query.
(function () {
  "use strict";
  var examples = JSON.parse(document.getElementById("examples").textContent);
  var endpoint = new URL("/sparql", window.location.href).toString();
  // no autocompleter that calls a web service (LOV's property and class search):
  // variables and prefixes are completed locally. Set on the defaults, since YASGUI
  // appends a configured list to the default one instead of replacing it.
  Yasgui.defaults.yasqe.autocompleters = ["variables", "prefixes"];
  Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    autoAddOnInit: false,
    persistenceId: null,           // always start from the examples, nothing kept in localStorage
    populateFromUrl: false,
    // only our endpoint in the endpoint picker (YASGUI's defaults point at DBpedia and Wikidata)
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
  });
  examples.forEach(function (example, i) {
    yasgui.addTab(i === 0, {
      name: example.name,
      yasqe: { value: example.query },
      requestConfig: { endpoint: endpoint, method: "POST" },
      // the table in its compact form: plain values, no datatypes or angle brackets
      yasr: { settings: { selectedPlugin: "table", pluginsConfig: { table: { compact: true } } },
              response: undefined },
    });
  });
  // result IRIs of our own entities and documents open the app's pages, not w3id.org, and read
  // as short prefixed names (ckgr:state/niger); the full IRI is the link's tooltip
  var ID = "https://w3id.org/conflict-kg/id/";
  var typeSlugs = JSON.parse(document.getElementById("entity-types").textContent);
  function ownPage(href) {
    if (!href || href.indexOf(ID) !== 0) { return null; }
    var m = /^([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(href.slice(ID.length));
    if (!m) { return null; }
    if (m[1] === "document") { return "/document/" + m[2]; }
    return typeSlugs.indexOf(m[1]) >= 0 ? "/entity/" + m[1] + "/" + m[2] : null;
  }
  function rewrite(root) {
    root.querySelectorAll('a[href^="' + ID + '"]').forEach(function (a) {
      var own = ownPage(a.getAttribute("href"));
      if (own) {
        var iri = a.getAttribute("href");
        a.setAttribute("data-iri", iri);
        a.setAttribute("href", own);
        a.setAttribute("title", iri);
        a.removeAttribute("target");
        if (a.textContent.trim() === iri) { a.textContent = "ckgr:" + iri.slice(ID.length); }
      }
    });
  }
  var root = document.getElementById("yasgui");
  new MutationObserver(function () { rewrite(root); }).observe(root, { childList: true, subtree: true });
  window.ckgYasgui = yasgui;
})();
