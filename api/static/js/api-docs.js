// SPDX-License-Identifier: EUPL-1.2
// Starts the vendored Swagger UI on the served OpenAPI document; no validator badge (it
// would call an outside service).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi"),
    domNode: root,
    validatorUrl: null,
    deepLinking: true,
  });
})();
