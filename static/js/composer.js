/* The advocacy composer and the "post it now" page. A static file under the CSP: no inline
   script, no inline handlers. Without it the forms still work: the server checks on submit.

   Composer: shows the chosen networks' drafts only. As the employee types, the character
   counter and the post's preview follow at once: the counter counts as the network does, with
   the same rule as the server (intents.counted_length; the limit and the length of a link come
   from the counter's data attributes), and the server rendered both before this script ran.
   Debounced, it asks /advocacy/check/ for each draft's findings, the personal touch still
   missing and the link the post will carry, offers the required disclosure as a one-click fix
   and disables the share button while a blocking finding (or a missing personal touch) remains.
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

    /* The texts come from data-msg-* attributes the server renders in the reader's language
       (the same templates it fills itself: advocacy_share/drafts.py). */
    function message(form, key, values) {
        var text = form.getAttribute("data-msg-" + key) || "";
        Object.keys(values || {}).forEach(function (name) {
            text = text.split("%(" + name + ")s").join(values[name]);
        });
        return text;
    }

    var URL_RE = /https?:\/\/[^\s<>"']+/gi;

    /* Characters as Python's len() counts them (code points, not UTF-16 units). */
    function characters(text) {
        return Array.from(text).length;
    }

    /* The post's length as the network counts it: the same rule as intents.counted_length
       (X counts every link as link_length characters, and the link the intent adds after
       the text with a space). */
    function countedLength(text, url, linkLength) {
        var count = characters(text);
        if (linkLength) {
            (text.match(URL_RE) || []).forEach(function (link) {
                count += linkLength - characters(link);
            });
            if (url && text.indexOf(url) === -1) {
                count += linkLength + (text ? 1 : 0);
            }
        }
        return count;
    }

    function hostname(url) {
        try {
            return new URL(url).hostname.replace(/^www\./, "");
        } catch (e) {
            return "";
        }
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
        var ownMissing = {};
        var links = {};

        function currentUrl() {
            return ownUrl ? ownUrl.value.trim() : linkUrl;
        }

        /* The counter and the preview, from the text as it is now (no round trip): the
           personal touch still missing and the link shown come from the last check. */
        function updateDraft(network) {
            var area = textarea(network);
            var counter = form.querySelector("[data-counter='" + network + "']");
            if (!area || !counter) {
                return;
            }
            var text = area.value;
            var url = currentUrl();
            var max = parseInt(counter.getAttribute("data-max"), 10);
            var count = countedLength(text, url, parseInt(counter.getAttribute("data-link-length"), 10) || 0);
            var label = max
                ? message(form, "chars", {count: count, max: max})
                : message(form, count === 1 ? "chars-one" : "chars-other", {count: count});
            if (ownMissing[network] > 0) {
                label += " · " + message(form, ownMissing[network] === 1 ? "own-one" : "own-other", {count: ownMissing[network]});
            }
            counter.textContent = label;
            counter.classList.toggle("composer__counter--over", Boolean(max && count > max));
            var preview = form.querySelector("[data-preview='" + network + "']");
            if (!preview) {
                return;
            }
            preview.querySelector("[data-preview-text]").textContent = text;
            var link = links[network] !== undefined ? links[network] : null;
            var inline = preview.querySelector("[data-preview-inline]");
            if (inline && link !== null) {
                inline.querySelector("[data-preview-link]").textContent = link;
            }
            if (inline) {
                inline.hidden = !url || text.indexOf(url) !== -1 || link === "";
            }
            var card = preview.querySelector("[data-preview-card]");
            if (ownUrl) {
                preview.querySelector("[data-preview-host]").textContent = hostname(url);
                card.hidden = !hostname(url);
            }
        }

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
                    severity.textContent = message(form, finding.severity === "block" ? "block" : "warn");
                    item.appendChild(severity);
                    item.appendChild(document.createTextNode(" " + finding.message + " "));
                    if (finding.clause_url) {
                        var link = document.createElement("a");
                        link.href = finding.clause_url;
                        link.textContent = message(form, "policy");
                        item.appendChild(link);
                    }
                    list.appendChild(item);
                });
                box.appendChild(list);
            }
            ownMissing[network] = data.own_characters ? data.own_characters.missing : 0;
            if (data.link !== undefined) {
                links[network] = data.link;
            }
            updateDraft(network);
            var fix = form.querySelector("[data-fix='" + network + "']");
            var button = fix.querySelector("button");
            fix.hidden = !data.disclosure;
            if (data.disclosure) {
                button.textContent = message(form, "add", {text: data.disclosure});
                button.setAttribute("data-disclosure-text", data.disclosure);
            }
            blocking[network] = data.blocking || ownMissing[network] > 0;
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
                area.addEventListener("input", function () {
                    updateDraft(network);
                    schedule(network);
                });
            }
            var fixButton = section.querySelector("[data-add-disclosure]");
            fixButton.addEventListener("click", function () {
                var disclosure = fixButton.getAttribute("data-disclosure-text");
                if (disclosure && area) {
                    area.value = area.value.replace(/\s+$/, "") + (area.value.trim() ? " " : "") + disclosure;
                    // The counter and the preview follow at once, as when the employee types.
                    updateDraft(network);
                    check(network);
                    area.focus();
                }
            });
        });
        if (ownUrl) {
            ownUrl.addEventListener("input", function () {
                ["linkedin", "x", "facebook"].forEach(function (network) {
                    updateDraft(network);
                    schedule(network);
                });
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
