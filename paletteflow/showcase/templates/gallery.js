(function () {
  "use strict";
  var status = document.getElementById("copy-status");
  function copyWithSelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    document.body.removeChild(area);
    return copied;
  }
  function show(button, hex, copied) {
    var swatches = document.querySelectorAll("button.swatch[data-copied]");
    for (var i = 0; i < swatches.length; i++) { swatches[i].removeAttribute("data-copied"); }
    button.setAttribute("data-copied", copied ? "true" : "false");
    document.body.setAttribute("data-copied", copied ? hex : "");
    status.textContent = copied ? "Copied " + hex : "Could not copy; the colour is " + hex;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.swatch");
    if (!button) { return; }
    var hex = button.getAttribute("data-hex");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(hex).then(
        function () { show(button, hex, true); },
        function () { show(button, hex, copyWithSelection(hex)); }
      );
    } else {
      show(button, hex, copyWithSelection(hex));
    }
  });
})();
