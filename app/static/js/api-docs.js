(function () {
  var el = document.getElementById("swagger-ui");
  if (!el || !window.SwaggerUIBundle) { return; }
  window.SwaggerUIBundle({ url: el.getAttribute("data-spec-url"), dom_id: "#swagger-ui", deepLinking: true });
})();
