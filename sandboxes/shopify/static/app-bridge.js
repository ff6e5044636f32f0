/* The sandbox's stand-in for Shopify's App Bridge (https://cdn.shopify.com/shopifycloud/app-bridge.js), served at
 * /__sandbox/app-bridge.js for tests and the demo: nothing is fetched from the internet.
 *
 * What it does, as App Bridge does inside Shopify's admin:
 * - window.shopify.idToken(): a fresh ID token, asked of the admin page framing the app (the sandbox's
 *   /store/<name>/apps/<api key> page) by postMessage; that page mints it with the app's secret, like Shopify;
 * - fetch() to the app's own origin carries "Authorization: Bearer <ID token>" and the admin's language;
 * - shopify.config (apiKey from the shopify-api-key meta tag, shop, host, locale), toast, modal and saveBar
 *   (toast shows the message in a live region; the others do nothing).
 * Outside a frame, idToken() is refused, as App Bridge gives no token outside the admin.
 */
(function () {
  "use strict";
  var ASK = "sandbox-app-bridge:id-token";
  var REPLY = "sandbox-app-bridge:id-token-reply";
  var params = new URLSearchParams(window.location.search);
  var meta = document.querySelector('meta[name="shopify-api-key"]');
  var pending = {};
  var counter = 0;

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || !event.data || event.data.type !== REPLY) { return; }
    var waiting = pending[event.data.id];
    if (!waiting) { return; }
    delete pending[event.data.id];
    if (event.data.token) { waiting.resolve(event.data.token); } else { waiting.reject(new Error("no token")); }
  });

  function idToken() {
    return new Promise(function (resolve, reject) {
      if (window.parent === window) { reject(new Error("not inside the admin")); return; }
      counter += 1;
      var id = String(counter) + "-" + String(Math.random()).slice(2);
      pending[id] = {resolve: resolve, reject: reject};
      window.parent.postMessage({type: ASK, id: id}, "*");
      setTimeout(function () {
        if (pending[id]) { delete pending[id]; reject(new Error("the admin did not answer")); }
      }, 5000);
    });
  }

  var nativeFetch = window.fetch ? window.fetch.bind(window) : null;
  if (nativeFetch) {
    window.fetch = function (input, init) {
      var url = new URL(typeof input === "string" ? input : input.url, window.location.href);
      if (url.origin !== window.location.origin) { return nativeFetch(input, init); }
      return idToken().then(function (token) {
        var options = Object.assign({}, init || {});
        var headers = new Headers(options.headers || (typeof input === "string" ? undefined : input.headers));
        headers.set("Authorization", "Bearer " + token);
        headers.set("Accept-Language", window.shopify.config.locale);
        options.headers = headers;
        return nativeFetch(input, options);
      });
    };
  }

  function toast(message) {
    var region = document.getElementById("sandbox-app-bridge-toast");
    if (!region) {
      region = document.createElement("div");
      region.id = "sandbox-app-bridge-toast";
      region.setAttribute("role", "status");
      document.body.appendChild(region);
    }
    region.textContent = String(message);
  }

  function nothing() {}

  window.shopify = {
    sandbox: true,
    config: {
      apiKey: meta ? meta.getAttribute("content") : "",
      shop: params.get("shop") || "",
      host: params.get("host") || "",
      locale: params.get("locale") || "en"
    },
    idToken: idToken,
    toast: {show: toast, hide: nothing},
    modal: {show: nothing, hide: nothing},
    saveBar: {show: nothing, hide: nothing, toggle: nothing}
  };
}());
