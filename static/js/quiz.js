/*
 * Quiz page enhancements. The form works without this file: "Save" and "Submit answers"
 * are plain form buttons. With it:
 *   - answers are saved in the background (JSON POST to data-save-url) as the learner
 *     changes them, so closing the tab loses nothing;
 *   - ordering questions stay a valid order: picking a step already used at another
 *     position swaps the two;
 *   - a countdown to data-deadline is shown, corrected for the clock difference between
 *     browser and server, and the form is submitted when the time is up;
 *   - submitting by hand with questions left unanswered asks for a confirmation first;
 *   - once submitted, the status says the server is grading and the buttons are disabled, so
 *     the answers are not sent twice while the server decides (it is the judge of time).
 * All texts come from data-msg-* attributes rendered by the server in the user's language.
 */
(function () {
    "use strict";

    var form = document.querySelector("form[data-quiz-form]");
    if (!form || !window.fetch || !window.JSON) {
        return;
    }

    var saveUrl = form.getAttribute("data-save-url");
    var statusBox = form.querySelector("[data-save-status]");
    var submitButton = form.querySelector("button[data-submit]");
    var SAVE_DELAY_MS = 800;
    var saveTimer = null;
    var saving = false;
    var pendingSave = false;
    var submitting = false;
    var locked = false;

    function message(name, values) {
        var text = form.getAttribute("data-msg-" + name) || "";
        Object.keys(values || {}).forEach(function (key) {
            text = text.split("{" + key + "}").join(values[key]);
        });
        return text;
    }

    function setStatus(text, kind) {
        if (!statusBox) {
            return;
        }
        statusBox.textContent = text;
        statusBox.className = "quiz__status" + (kind ? " quiz__status--" + kind : "");
    }

    function csrfToken() {
        var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
        if (match) {
            return decodeURIComponent(match[1]);
        }
        var input = form.querySelector("input[name=csrfmiddlewaretoken]");
        return input ? input.value : "";
    }

    function questionFields() {
        var groups = {};
        Array.prototype.forEach.call(form.elements, function (element) {
            if (!/^q\d+$/.test(element.name || "")) {
                return;
            }
            (groups[element.name] = groups[element.name] || []).push(element);
        });
        return groups;
    }

    /* {"q0": ["token"], ...}: every question, unanswered ones as empty lists (which clear a
       saved answer), except an ordering still half done, which is left out. */
    function collectAnswers() {
        var answers = {};
        var groups = questionFields();
        Object.keys(groups).forEach(function (name) {
            var values = [];
            groups[name].forEach(function (element) {
                if (element.type === "radio" || element.type === "checkbox") {
                    if (element.checked) {
                        values.push(element.value);
                    }
                } else if (element.value) {
                    values.push(element.value);
                }
            });
            if (!isIncompleteOrdering(groups[name], values)) {
                answers[name] = values;
            }
        });
        return answers;
    }

    function answeredCount(answers) {
        return Object.keys(answers).filter(function (name) {
            return answers[name].length > 0;
        }).length;
    }

    function parseIso(value) {
        /* Django's "c" format may carry microseconds; keep milliseconds only. */
        return Date.parse(String(value || "").replace(/(\.\d{3})\d+/, "$1"));
    }

    function pad(number) {
        return number < 10 ? "0" + number : String(number);
    }

    /* Clock difference between browser and server, and the server's UTC offset, so that
       times shown by the script match the deadline printed by the server. */
    var serverNowAttr = form.getAttribute("data-server-now") || "";
    var serverNow = parseIso(serverNowAttr);
    var skew = isNaN(serverNow) ? 0 : serverNow - Date.now();
    var offsetMatch = serverNowAttr.match(/([+-])(\d{2}):?(\d{2})$/);
    var serverOffsetMinutes = offsetMatch
        ? (offsetMatch[1] === "-" ? -1 : 1) * (parseInt(offsetMatch[2], 10) * 60 + parseInt(offsetMatch[3], 10))
        : null;

    function timeNow() {
        if (serverOffsetMinutes === null) {
            return new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        }
        var shifted = new Date(Date.now() + skew + serverOffsetMinutes * 60000);
        return pad(shifted.getUTCHours()) + ":" + pad(shifted.getUTCMinutes());
    }

    function save() {
        if (locked || submitting) {
            return;
        }
        if (saving) {
            pendingSave = true;
            return;
        }
        saving = true;
        setStatus(message("saving"), "busy");
        fetch(saveUrl, {
            method: "POST",
            credentials: "same-origin",
            headers: {
                "Content-Type": "application/json",
                "Accept": "application/json",
                "X-CSRFToken": csrfToken(),
                "X-Requested-With": "XMLHttpRequest"
            },
            body: JSON.stringify({ answers: collectAnswers() })
        })
            .then(function (response) {
                return response
                    .json()
                    .catch(function () {
                        return {};
                    })
                    .then(function (body) {
                        if (response.ok) {
                            setStatus(message("saved", { time: timeNow() }), "ok");
                            return;
                        }
                        var error = (body && body.error) || {};
                        if (error.code === "attempt_already_submitted" || error.code === "attempt_time_expired") {
                            locked = true;
                        }
                        setStatus(error.message || message("error"), "error");
                    });
            })
            .catch(function () {
                setStatus(navigator.onLine === false ? message("offline") : message("error"), "error");
            })
            .then(function () {
                saving = false;
                if (pendingSave) {
                    pendingSave = false;
                    scheduleSave();
                }
            });
    }

    function scheduleSave() {
        window.clearTimeout(saveTimer);
        saveTimer = window.setTimeout(save, SAVE_DELAY_MS);
    }

    /* Ordering: keep each step used once by swapping with the select that had it. */
    function rememberValue(select) {
        select.setAttribute("data-previous", select.value);
    }

    /* The step picked here leaves the position that had it, which takes this position's
       previous step (or nothing, if this position had none). */
    function keepPermutation(changed) {
        var previous = changed.getAttribute("data-previous") || "";
        var siblings = form.querySelectorAll("select[name='" + changed.name + "']");
        Array.prototype.forEach.call(siblings, function (other) {
            if (other !== changed && changed.value && other.value === changed.value) {
                other.value = previous;
                rememberValue(other);
            }
        });
        rememberValue(changed);
    }

    /* An ordering with some positions still empty is not an answer yet. */
    function isIncompleteOrdering(elements, values) {
        return elements[0].tagName === "SELECT" && values.length > 0 && values.length < elements.length;
    }

    /* When time is up: an ordering left half done is sent as unanswered, so that the final
       submit is accepted with every other answer. */
    function clearIncompleteOrderings() {
        var groups = questionFields();
        Object.keys(groups).forEach(function (name) {
            var elements = groups[name];
            var values = elements.filter(function (element) { return element.value; });
            if (isIncompleteOrdering(elements, values)) {
                elements.forEach(function (element) {
                    element.value = "";
                });
            }
        });
    }

    Array.prototype.forEach.call(form.querySelectorAll("select"), rememberValue);

    /* Answered counter, next to the save status. */
    var counter = document.createElement("p");
    counter.className = "quiz__answered muted small";
    if (statusBox && statusBox.parentNode) {
        statusBox.parentNode.insertBefore(counter, statusBox);
    }

    function updateCounter() {
        var answers = collectAnswers();
        counter.textContent = message("answered", {
            answered: String(answeredCount(answers)),
            total: String(Object.keys(questionFields()).length)
        });
    }

    updateCounter();

    form.addEventListener("change", function (event) {
        var target = event.target;
        if (!/^q\d+$/.test(target.name || "")) {
            return;
        }
        if (target.tagName === "SELECT") {
            keepPermutation(target);
        }
        updateCounter();
        scheduleSave();
    });

    var timeUp = false;

    form.addEventListener("submit", function (event) {
        if (submitting) {
            event.preventDefault();
            return;
        }
        /* Submitting by hand with questions left unanswered: ask first (not when time is up). */
        var submitter = event.submitter;
        if (!timeUp && submitter && submitter.value === "submit") {
            var answers = collectAnswers();
            var total = Object.keys(questionFields()).length;
            var unanswered = total - answeredCount(answers);
            if (unanswered > 0 && !window.confirm(message("confirm-unanswered", {
                unanswered: String(unanswered),
                total: String(total)
            }))) {
                event.preventDefault();
                return;
            }
        }
        submitting = true;
        window.clearTimeout(saveTimer);
        showSubmitting(timeUp || !submitter || submitter.value === "submit");
    });

    /* While the server grades (or saves), say so and keep the buttons from sending the form a
       second time. The buttons are disabled once the submission has started, so that the
       clicked button's name and value are still sent; the countdown keeps running. */
    function showSubmitting(grading) {
        setStatus(message(timeUp ? "time-up" : grading ? "grading" : "saving"), timeUp ? "error" : "busy");
        form.setAttribute("aria-busy", "true");
        window.setTimeout(function () {
            Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (button) {
                button.disabled = true;
            });
        }, 0);
    }

    /* Back from the browser's page cache (the back button): the form is usable again. */
    window.addEventListener("pageshow", function (event) {
        if (event.persisted) {
            submitting = false;
            form.removeAttribute("aria-busy");
            Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (button) {
                button.disabled = false;
            });
        }
    });

    /* Countdown. */
    var deadlineAttr = form.getAttribute("data-deadline");
    var countdown = document.querySelector("[data-countdown]");
    var clock = document.querySelector("[data-countdown-clock]");

    if (deadlineAttr && countdown && clock) {
        var deadline = parseIso(deadlineAttr);
        var timer = null;

        var tick = function () {
            var left = Math.max(0, Math.floor((deadline - (Date.now() + skew)) / 1000));
            var hours = Math.floor(left / 3600);
            var minutes = Math.floor((left % 3600) / 60);
            var seconds = left % 60;
            clock.textContent = (hours ? hours + ":" + pad(minutes) : String(minutes)) + ":" + pad(seconds);
            countdown.classList.toggle("deadline__countdown--urgent", left <= 60);
            if (left <= 0) {
                window.clearInterval(timer);
                if (!submitting) {
                    timeUp = true;
                    setStatus(message("time-up"), "error");
                    clearIncompleteOrderings();
                    if (submitButton && form.requestSubmit) {
                        form.requestSubmit(submitButton);
                    } else if (submitButton) {
                        submitButton.click();
                    }
                }
            }
        };

        if (!isNaN(deadline)) {
            countdown.hidden = false;
            tick();
            timer = window.setInterval(tick, 1000);
        }
    }
})();
