// Corner Coffee: talks to Plaza only through plaza-sdk.js and to its own server over HTTPS.
// COFFEE_SERVER is where examples/coffee/server.py runs (its CORS allows the sandbox origin).
var COFFEE_SERVER = "http://127.0.0.1:8401";
var session = null;

function call(path, body) {
  return fetch(COFFEE_SERVER + path, {
    method: body ? "POST" : "GET",
    headers: { "Content-Type": "application/json", "X-Coffee-Session": session || "" },
    body: body ? JSON.stringify(body) : undefined,
  }).then(function (r) { return r.json(); });
}

function show(id, text) {
  var element = document.getElementById(id);
  if (element) element.textContent = text;
}

plaza.login({ scopes: ["profile"] })
  .then(function (login) { return call("/api/login", { code: login.code }); })
  .then(function (answer) {
    session = answer.session;
    return call("/api/me");
  })
  .then(function (me) { show("greeting", "Hello " + (me.display_name || "coffee lover") + "!"); })
  .catch(function (error) { show("greeting", "Could not sign in: " + error.message); });

var form = document.getElementById("order");
if (form) {
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var drink = new FormData(form).get("drink");
    plaza.requestSubscribeMessage({ templates: ["order_ready"] })
      .then(function () { return call("/api/orders", { drink: drink }); })
      .then(function (order) {
        // The host asks for the PIN and confirms the pay order at Plaza; our server learns of
        // the payment from Plaza's signed notification, not from this page.
        return plaza.requestPayment({ prepayId: order.prepay_id }).then(function () {
          show("status", "Order #" + order.id + " paid: " + order.drink);
        });
      })
      .catch(function (error) { show("status", "Order failed: " + error.message); });
  });
}
