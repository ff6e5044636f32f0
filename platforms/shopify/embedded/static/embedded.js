/* The embedded admin's own script, loaded after App Bridge (window.shopify) on every embedded page.
 *
 * 1. Forms: every form of the admin has an empty hidden "id_token" field. On submit it is filled with a fresh
 *    ID token from App Bridge, then the form is sent (with the button that was pressed). The server refuses a
 *    POST without it: this is the CSRF protection inside the iframe, where there are no cookies.
 * 2. The bounce page (/auth/session-token): reload the page named in data-shopify-reload, with a fresh token.
 * 3. The exit-iframe page: open data-exit-iframe in the top window.
 *
 * No inline script anywhere: this file is the only one of ours.
 */
(function () {
  "use strict";

  var FIELD = "id_token";

  function idToken() {
    if (!window.shopify || typeof window.shopify.idToken !== "function") {
      return Promise.reject(new Error("App Bridge is not loaded"));
    }
    return window.shopify.idToken();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var field = form && form.elements ? form.elements.namedItem(FIELD) : null;
    if (!field || form.dataset.idTokenReady === "1") {
      if (form && form.dataset) { delete form.dataset.idTokenReady; }
      return;
    }
    event.preventDefault();
    var submitter = event.submitter || null;
    idToken().then(function (token) { field.value = token; }, function () { field.value = ""; })
      .then(function () {
        form.dataset.idTokenReady = "1";
        if (typeof form.requestSubmit === "function") {
          form.requestSubmit(submitter);
        } else {
          form.submit();
        }
      });
  });

  function onReady(run) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", run);
    } else {
      run();
    }
  }

  onReady(function () {
    var bounce = document.querySelector("[data-shopify-reload]");
    if (bounce) {
      idToken().then(function (token) {
        var target = new URL(bounce.getAttribute("data-shopify-reload"), window.location.href);
        if (target.origin !== window.location.origin) { return; }
        target.searchParams.set(FIELD, token);
        window.location.replace(target.toString());
      });
    }
    var exit = document.querySelector("[data-exit-iframe]");
    if (exit) {
      window.open(exit.getAttribute("data-exit-iframe"), "_top");
    }
  });
}());
