/* The sandbox admin page's side of App Bridge: when the framed app asks for an ID token (postMessage from the
 * iframe, origin the app's), mint one at /__sandbox/session-token for the signed-in staff member and send it back
 * to the app's origin only. Shopify's admin does the same with the app's secret. */
(function () {
  "use strict";
  var frame = document.getElementById("app");
  var setup = {origin: frame.dataset.appOrigin, staff: frame.dataset.staff, mint: frame.dataset.mint};
  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow || event.origin !== setup.origin) { return; }
    if (!event.data || event.data.type !== "sandbox-app-bridge:id-token") { return; }
    var id = event.data.id;
    fetch(setup.mint, {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({sub: setup.staff})
    }).then(function (response) { return response.json(); }).then(function (body) {
      frame.contentWindow.postMessage(
        {type: "sandbox-app-bridge:id-token-reply", id: id, token: body.session_token}, setup.origin);
    });
  });
}());
