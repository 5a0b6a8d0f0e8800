/* The advocacy composer and the "post it now" page. A static file under the CSP: no inline
   script, no inline handlers. Without it the forms still work: the server checks on submit.

   Composer: shows the chosen networks' drafts only; as the employee types (debounced), asks
   /advocacy/check/ for each draft's findings, counts characters as the network does, offers the
   required disclosure as a one-click fix and disables the share button while a blocking
   finding (or a missing personal touch) remains.
   Post it now: the LinkedIn and Facebook buttons copy the text to the clipboard first (those
   networks take no pre-filled text); the link itself opens the network in a new tab. */
(function () {
    "use strict";

    var DEBOUNCE_MS = 450;

    function csrfToken(form) {
        var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
        if (match) {
            return decodeURIComponent(match[1]);
        }
        var input = form.querySelector("input[name=csrfmiddlewaretoken]");
        return input ? input.value : "";
    }

    function lang() {
        return (document.documentElement.lang || "fr").slice(0, 2);
    }

    var LABELS = {
        fr: {block: "Bloquant", warn: "Attention", policy: "Voir la politique", add: "Ajouter « %s »",
             chars: "%n / %m caractères", charsNoMax: "%n caractères", own: "Encore %n caractères de votre main"},
        en: {block: "Blocking", warn: "Warning", policy: "See the policy", add: "Add “%s”",
             chars: "%n / %m characters", charsNoMax: "%n characters", own: "%n more characters of your own"}
    };

    function label(key) {
        return (LABELS[lang()] || LABELS.en)[key];
    }

    function copyText(id) {
        var area = document.getElementById(id);
        if (!area) {
            return;
        }
        if (navigator.clipboard && navigator.clipboard.writeText) {
            navigator.clipboard.writeText(area.value).catch(function () {
                area.select();
            });
        } else {
            area.select();
            try { document.execCommand("copy"); } catch (e) { /* the text stays selected */ }
        }
    }

    function initDone() {
        document.querySelectorAll("[data-copy-text]").forEach(function (link) {
            // Copy in the same click that opens the network: the link is not held back.
            link.addEventListener("click", function () {
                copyText(link.getAttribute("data-copy-text"));
            });
        });
        document.querySelectorAll("[data-copy-button]").forEach(function (button) {
            button.hidden = false;
            button.addEventListener("click", function () {
                copyText(button.getAttribute("data-copy-button"));
            });
        });
    }

    function initComposer(form) {
        var checkUrl = form.getAttribute("data-check-url");
        var contentId = form.getAttribute("data-content-id");
        var linkUrl = form.getAttribute("data-link-url");
        var ownUrl = form.querySelector("[name=own_url]");
        var shareButton = form.querySelector("[data-share-button]");
        var blockedNotice = form.querySelector("[data-blocked-notice]");
        var blocking = {};
        var timers = {};

        function chosen(network) {
            var box = form.querySelector("[data-network-toggle='" + network + "']");
            return box && box.checked;
        }

        function textarea(network) {
            return form.querySelector("[name='text_" + network + "']");
        }

        function refreshButton() {
            var blocked = Object.keys(blocking).some(function (network) {
                return chosen(network) && blocking[network];
            });
            shareButton.disabled = blocked;
            if (blockedNotice) {
                blockedNotice.hidden = !blocked;
            }
        }

        function showFindings(network, data) {
            var box = form.querySelector("[data-findings='" + network + "']");
            box.textContent = "";
            if (data.findings.length) {
                var list = document.createElement("ul");
                list.className = "findings";
                data.findings.forEach(function (finding) {
                    var item = document.createElement("li");
                    item.className = "finding finding--" + finding.severity;
                    var severity = document.createElement("span");
                    severity.className = "finding__severity";
                    severity.textContent = finding.severity === "block" ? label("block") : label("warn");
                    item.appendChild(severity);
                    item.appendChild(document.createTextNode(" " + finding.message + " "));
                    if (finding.clause_url) {
                        var link = document.createElement("a");
                        link.href = finding.clause_url;
                        link.textContent = label("policy");
                        item.appendChild(link);
                    }
                    list.appendChild(item);
                });
                box.appendChild(list);
            }
            var counter = form.querySelector("[data-counter='" + network + "']");
            var length = data.length || {};
            var text = length.max ? label("chars").replace("%m", length.max) : label("charsNoMax");
            text = text.replace("%n", length.count);
            if (data.own_characters && data.own_characters.missing > 0) {
                text += " · " + label("own").replace("%n", data.own_characters.missing);
            }
            counter.textContent = text;
            counter.classList.toggle("composer__counter--over", Boolean(length.max && length.count > length.max));
            var fix = form.querySelector("[data-fix='" + network + "']");
            var button = fix.querySelector("button");
            fix.hidden = !data.disclosure;
            button.textContent = label("add").replace("%s", data.disclosure || "");
            button.setAttribute("data-disclosure-text", data.disclosure || "");
            var ownMissing = data.own_characters ? data.own_characters.missing > 0 : false;
            blocking[network] = data.blocking || ownMissing;
            refreshButton();
        }

        function check(network) {
            var area = textarea(network);
            if (!area || !chosen(network)) {
                return;
            }
            var body = {text: area.value, network: network, url: ownUrl ? ownUrl.value.trim() : linkUrl};
            if (contentId) {
                body.content_id = contentId;
            }
            fetch(checkUrl, {
                method: "POST",
                credentials: "same-origin",
                headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken(form)},
                body: JSON.stringify(body)
            }).then(function (response) {
                return response.json().then(function (data) {
                    return {ok: response.ok, data: data};
                });
            }).then(function (result) {
                if (result.ok) {
                    showFindings(network, result.data);
                }
                // Errors (rate limited, too long, locked) leave the last findings: the server
                // checks again on submit.
            }).catch(function () { /* offline: the server checks on submit */ });
        }

        function schedule(network) {
            clearTimeout(timers[network]);
            timers[network] = setTimeout(function () { check(network); }, DEBOUNCE_MS);
        }

        function showChosen() {
            form.querySelectorAll("[data-draft]").forEach(function (section) {
                var network = section.getAttribute("data-draft");
                section.hidden = !chosen(network);
            });
            refreshButton();
        }

        form.querySelectorAll("[data-network-toggle]").forEach(function (box) {
            box.addEventListener("change", function () {
                showChosen();
                check(box.value);
            });
        });
        form.querySelectorAll("[data-draft]").forEach(function (section) {
            var network = section.getAttribute("data-draft");
            var area = textarea(network);
            if (area) {
                area.addEventListener("input", function () { schedule(network); });
            }
            var fixButton = section.querySelector("[data-add-disclosure]");
            fixButton.addEventListener("click", function () {
                var disclosure = fixButton.getAttribute("data-disclosure-text");
                if (disclosure && area) {
                    area.value = area.value.replace(/\s+$/, "") + (area.value.trim() ? " " : "") + disclosure;
                    check(network);
                    area.focus();
                }
            });
        });
        if (ownUrl) {
            ownUrl.addEventListener("input", function () {
                ["linkedin", "x", "facebook"].forEach(schedule);
            });
        }
        showChosen();
        ["linkedin", "x", "facebook"].forEach(check);
    }

    document.addEventListener("DOMContentLoaded", function () {
        var form = document.querySelector("[data-composer]");
        if (form) {
            initComposer(form);
        }
        initDone();
    });
}());
