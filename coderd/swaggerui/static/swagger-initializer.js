// Starts Swagger UI on the page served by coderd/swaggerui. It lives in its
// own file (not inline in index.html) because the page's Content-Security-
// Policy only allows scripts from 'self'.
(function () {
  "use strict";

  var root = document.getElementById("swagger-ui");
  // Relative to the page, so the UI works wherever the handler is mounted.
  var specURL = new URL(root.getAttribute("data-spec-url"), document.baseURI).href;

  window.ui = SwaggerUIBundle({
    url: specURL,
    domNode: root,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    deepLinking: true,
    // Keep the session token entered under "Authorize" across reloads.
    persistAuthorization: true,
    displayRequestDuration: true,
    filter: true,
    // Tags start collapsed: with every operation expanded (Swagger UI's
    // default "list"), this UI stops rendering past about 137 operations,
    // and the API has more.
    docExpansion: "none",
    // The default validator is an external service; never call it.
    validatorUrl: null,
    // Do not let ?url=... in the address bar load another document.
    queryConfigEnabled: false,
  });
})();
