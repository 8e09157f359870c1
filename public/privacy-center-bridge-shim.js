/*
 * Privacy Center webview bridge: reference shim (protocol v1).
 *
 * Plays the host app's part in a desktop browser, so host developers (and
 * the project's tests) can see the permissions page as it looks inside the
 * app. It answers exactly as docs/webview-bridge.md says a host must:
 * requests arrive as JSON strings on window.PrivacyCenterBridge.postMessage,
 * replies go back with window.postMessage(reply, location.origin).
 *
 * Use: run it before the page starts (Playwright's addInitScript, a
 * userscript at document-start), or paste it into the console afterwards:
 * it fires "privacycenterbridgeready" and the page connects then.
 *
 * Configure it with window.PrivacyCenterBridgeShimConfig before it runs, or
 * with localStorage["privacy-center.bridge-shim"] (JSON), e.g.
 *   { "platform": "ios", "states": { "camera": "denied" }, "minorMode": "on" }
 * window.PrivacyCenterBridgeShim then shows what the page sent (.sent), and
 * with { "hold": true } keeps replies until .release() (a slow host).
 */
(function () {
  'use strict';
  if (window.PrivacyCenterBridge) return;

  var stored = null;
  try {
    stored = JSON.parse(localStorage.getItem('privacy-center.bridge-shim') || 'null');
  } catch (e) {
    stored = null;
  }
  var config = Object.assign(
    {
      platform: 'android',
      states: {
        camera: 'granted',
        microphone: 'not_asked',
        location_fine: 'denied',
        location_coarse: 'denied',
        location: 'denied',
        notifications: 'granted',
        photos: 'restricted',
      },
      minorMode: 'unknown',
      hold: false,
    },
    stored || {},
    window.PrivacyCenterBridgeShimConfig || {}
  );

  var held = [];
  var shim = {
    config: config,
    /** Every request the page sent, parsed, oldest first. */
    sent: [],
    /** Sends the replies held back while config.hold was true. */
    release: function () {
      config.hold = false;
      held.splice(0).forEach(send);
    },
  };

  function send(reply) {
    if (config.hold) {
      held.push(reply);
      return;
    }
    // As a host's evaluateJavascript would: a string, from the page's own origin.
    window.postMessage(JSON.stringify(reply), location.origin);
  }

  function answer(request) {
    var ok = function (result) {
      return { v: 1, id: request.id, ok: true, result: result };
    };
    var fail = function (code, message) {
      return { v: 1, id: request.id, ok: false, error: { code: code, message: message } };
    };
    if (request.v !== 1) return fail('unsupported_version', 'this host speaks version 1');
    switch (request.type) {
      case 'hello':
        return ok({ platform: config.platform, versions: [1] });
      case 'getPermissions':
        return ok({ permissions: Object.assign({}, config.states) });
      case 'openSettings':
        if (typeof request.permission !== 'string' || !request.permission) {
          return fail('bad_request', 'openSettings needs a permission');
        }
        console.info('[privacy-center shim] would open the system settings of', request.permission);
        return ok({});
      case 'getMinorMode':
        return ok({ minor_mode: config.minorMode });
      default:
        return fail('unknown_type', 'no request type ' + String(request.type));
    }
  }

  window.PrivacyCenterBridgeShim = shim;
  window.PrivacyCenterBridge = {
    postMessage: function (text) {
      var request;
      try {
        request = JSON.parse(String(text));
      } catch (e) {
        return;
      }
      if (!request || typeof request.id !== 'string') return;
      shim.sent.push(request);
      var reply = answer(request);
      // Asynchronously, like a real host.
      setTimeout(function () {
        send(reply);
      }, 0);
    },
  };
  window.dispatchEvent(new Event('privacycenterbridgeready'));
})();
