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
 *   plaza.ready()                                 -> the launch options, once the host answered
 *
 * Wire format (both directions): {plaza: 1, id, method, params} / {plaza: 1, id, result|error}.
 * Handshake: the SDK first sends method "ready"; the host answers with the launch options, and
 * only then are other calls sent. Errors carry a stable `code`: user_cancelled (the person closed
 * the sheet), scope_not_granted, unknown_method, timeout, or the API's own code.
 */
(function (global) {
  "use strict";

  var PROTOCOL = 1;
  var TIMEOUT_MS = 120000;
  var READY_TIMEOUT_MS = 15000;
  var pending = {};
  var nextId = 1;
  // The ready/launch handshake: the first message is "ready"; the host answers with the launch
  // options. Calls made before that wait for it. The origin that answered is pinned: later
  // answers from another origin are ignored.
  var hostOrigin = null;
  var launch = null;
  var waiting = [];

  function hostWindow() {
    if (global.parent && global.parent !== global) return global.parent;
    throw new Error("plaza-sdk: not running inside the Plaza host");
  }

  /** The embedding page's origin where the browser tells it (Chromium, Safari). */
  function expectedHostOrigin() {
    var ancestors = global.location && global.location.ancestorOrigins;
    return ancestors && ancestors.length ? ancestors[0] : null;
  }

  function fromHost(event) {
    if (event.source !== global.parent) return false;
    if (hostOrigin !== null) return event.origin === hostOrigin;
    var expected = expectedHostOrigin();
    return expected === null || event.origin === expected;
  }

  global.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.plaza !== PROTOCOL || !fromHost(event)) return;
    var call = pending[data.id];
    if (!call) return;
    delete pending[data.id];
    clearTimeout(call.timer);
    if (data.error) {
      var error = new Error(data.error.detail || data.error.code);
      error.code = data.error.code;
      call.reject(error);
    } else {
      if (hostOrigin === null) hostOrigin = event.origin;
      call.resolve(data.result);
    }
  });

  function post(method, params, timeoutMs) {
    return new Promise(function (resolve, reject) {
      var id = String(nextId++);
      var timer = setTimeout(function () {
        delete pending[id];
        var error = new Error("plaza-sdk: " + method + " timed out");
        error.code = "timeout";
        reject(error);
      }, timeoutMs);
      pending[id] = { resolve: resolve, reject: reject, timer: timer };
      // The frame's origin is opaque ("null"), so the host is addressed with "*"; the host
      // checks event.source against its own iframe before acting, and answers only there.
      hostWindow().postMessage(
        { plaza: PROTOCOL, id: id, method: method, params: params || {} },
        "*"
      );
    });
  }

  var ready = post("ready", { sdk: "1.1.0" }, READY_TIMEOUT_MS).then(function (options) {
    launch = options;
    return options;
  });

  function request(method, params) {
    return ready.then(function () {
      return post(method, params, TIMEOUT_MS);
    });
  }

  function requireString(value, name) {
    if (typeof value !== "string" || !value) {
      throw new TypeError("plaza-sdk: " + name + " must be a non-empty string");
    }
  }

  global.plaza = {
    version: "1.1.0",
    /** Resolves with the launch options once the host has answered the handshake. */
    ready: function () {
      return ready;
    },
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
      return launch ? Promise.resolve(launch) : ready;
    },
  };
})(typeof window !== "undefined" ? window : this);
