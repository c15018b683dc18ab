// Starts Swagger UI on authd's OpenAPI document. A file of its own (not an inline
// script) so that the page's Content-Security-Policy can forbid inline scripts.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json", // absolute: the page is served at /api/docs and /api/docs/
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null, // no call to validator.swagger.io: the page stays offline
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
  });
});
