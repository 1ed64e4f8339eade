/*
 * plaza-sdk.js — the mini-program side of the Plaza host bridge.
 *
 * A mini-program bundle runs in a sandboxed frame (opaque origin: no Plaza cookies, no Plaza
 * storage). It never calls Plaza's consumer API itself: it asks the host page (the Plaza app)
 * over postMessage, the host shows the consent / payment / subscription UI, calls the API with
 * the user's token and answers. Every request carries an id; the host answers with the same id.
 *
 *   plaza.login({scopes: ["profile"]})           -> {code}   (send it to YOUR server, which
 *                                                            calls /api/v1/mp/code2session)
 *   plaza.login({scopes, codeChallenge, nonce})   -> {code}   (OAuth2 + PKCE: redeem at /o/token/
 *                                                            with the code_verifier; ID token)
 *   plaza.requestPayment({prepayId})              -> {status: "paid"} (host asks for the PIN)
 *   plaza.requestSubscribeMessage({templates})    -> {accepted: [...]}
 *   plaza.share({title, pagePath, imageUrl})      -> {shared: true}   (a chat card)
 *   plaza.getLaunchOptions()                      -> {path, query, scene, source}
 *
 * Wire format (both directions): {plaza: 1, id, method, params} / {plaza: 1, id, result|error}.
 */
(function (global) {
  "use strict";

  var PROTOCOL = 1;
  var TIMEOUT_MS = 120000;
  var pending = {};
  var nextId = 1;

  function hostWindow() {
    if (global.parent && global.parent !== global) return global.parent;
    throw new Error("plaza-sdk: not running inside the Plaza host");
  }

  global.addEventListener("message", function (event) {
    var data = event.data;
    if (event.source !== global.parent || !data || data.plaza !== PROTOCOL) return;
    var call = pending[data.id];
    if (!call) return;
    delete pending[data.id];
    clearTimeout(call.timer);
    if (data.error) {
      var error = new Error(data.error.detail || data.error.code);
      error.code = data.error.code;
      call.reject(error);
    } else {
      call.resolve(data.result);
    }
  });

  function request(method, params) {
    return new Promise(function (resolve, reject) {
      var id = String(nextId++);
      var timer = setTimeout(function () {
        delete pending[id];
        var error = new Error("plaza-sdk: " + method + " timed out");
        error.code = "timeout";
        reject(error);
      }, TIMEOUT_MS);
      pending[id] = { resolve: resolve, reject: reject, timer: timer };
      // The frame's origin is opaque ("null"), so the host is addressed with "*"; the host
      // checks event.source against its own iframe before acting.
      hostWindow().postMessage(
        { plaza: PROTOCOL, id: id, method: method, params: params || {} },
        "*"
      );
    });
  }

  function requireString(value, name) {
    if (typeof value !== "string" || !value) {
      throw new TypeError("plaza-sdk: " + name + " must be a non-empty string");
    }
  }

  global.plaza = {
    version: "1.0.0",
    login: function (options) {
      options = options || {};
      var params = { scopes: options.scopes || [] };
      if (options.codeChallenge) {
        params.code_challenge = options.codeChallenge;
        params.code_challenge_method = "S256";
      }
      if (options.nonce) params.nonce = options.nonce;
      return request("login", params);
    },
    requestPayment: function (options) {
      requireString(options && options.prepayId, "prepayId");
      return request("requestPayment", { prepay_id: options.prepayId });
    },
    requestSubscribeMessage: function (options) {
      var templates = options && options.templates;
      if (!Array.isArray(templates) || templates.length === 0 || templates.length > 3) {
        throw new TypeError("plaza-sdk: templates must list 1 to 3 template ids");
      }
      return request("requestSubscribeMessage", { templates: templates });
    },
    share: function (options) {
      requireString(options && options.title, "title");
      requireString(options.pagePath, "pagePath");
      requireString(options.imageUrl, "imageUrl");
      return request("share", {
        title: options.title,
        page_path: options.pagePath,
        image_url: options.imageUrl,
      });
    },
    getLaunchOptions: function () {
      return request("getLaunchOptions", {});
    },
  };
})(typeof window !== "undefined" ? window : this);
