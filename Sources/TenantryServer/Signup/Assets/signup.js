// Tenantry signup page. Plain JavaScript, no build step, no dependencies.
//
// Without this script the form posts to /signup and the server renders a status page that
// refreshes itself. With it, the form posts JSON to /v1/signup with an Idempotency-Key made
// once per page (a double click or a retry registers one tenant), then follows
// /v1/signup/{id} with the claim token and shows the progress live, the API key (once) and
// the onboarding checklist. Everything shown is set as text (textContent), never as HTML.
"use strict";

(function () {
  const form = document.getElementById("signup-form");
  if (!form) return;

  const submit = document.getElementById("signup-submit");
  const formError = document.getElementById("form-error");
  const progress = document.getElementById("signup-progress");
  const heading = document.getElementById("progress-heading");
  const statusLine = document.getElementById("signup-status");
  const stepsList = document.getElementById("signup-steps");
  const result = document.getElementById("signup-result");
  const pollInterval = 500;

  // One key per page: the same submission sent twice is one signup. crypto.randomUUID needs a
  // secure context (https, localhost); elsewhere the server-made key of the form serves.
  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    return form.elements.idempotencyKey.value;
  }
  let idempotencyKey = newKey();
  let busy = false;

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function showError(message, field) {
    formError.replaceChildren(element("p", {}, message));
    formError.hidden = false;
    for (const name of ["email", "organization"]) {
      const input = form.elements[name];
      if (name === field) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
    formError.focus();
  }

  function setBusy(isBusy) {
    busy = isBusy;
    submit.disabled = isBusy;
    submit.textContent = isBusy ? "Creating your workspace…" : "Create my workspace";
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (busy) return;
    if (!form.checkValidity()) {
      form.reportValidity();
      return;
    }
    setBusy(true);
    let response;
    try {
      response = await fetch("/v1/signup", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "Idempotency-Key": idempotencyKey },
        body: JSON.stringify({ email: form.elements.email.value, organization: form.elements.organization.value }),
      });
    } catch (error) {
      setBusy(false);
      showError("The server could not be reached. Check your connection and try again.", null);
      return;
    }
    let body = {};
    try { body = await response.json(); } catch (error) { body = {}; }
    if (response.status !== 202) {
      // A key used with other values: this is a new signup, so it gets a new key.
      if (response.status === 422) idempotencyKey = newKey();
      setBusy(false);
      showError(body.detail || "Something went wrong (" + response.status + "). Please try again.", body.field || null);
      return;
    }
    if (!body.claimToken) {
      // A retry of a signup the server already answered (the answer was lost on the way):
      // the claim went with that first answer and is never handed out again.
      idempotencyKey = newKey();
      setBusy(false);
      showError("This signup was already received, but its answer did not reach this page, and its key is shown only once. Submit again to start a new workspace.", null);
      return;
    }
    formError.hidden = true;
    form.hidden = true;
    progress.hidden = false;
    heading.focus();
    follow(body.statusUrl, body.claimToken, 0);
  });

  async function follow(statusUrl, claimToken, failures) {
    let response;
    try {
      response = await fetch(statusUrl, { headers: { "Authorization": "Bearer " + claimToken, "Accept": "application/json" }, cache: "no-store" });
    } catch (error) {
      if (failures < 20) {
        setTimeout(function () { follow(statusUrl, claimToken, failures + 1); }, pollInterval * (failures + 1));
      } else {
        setStatus("failed", "We lost the connection to the server. Reload the page to try again.");
      }
      return;
    }
    if (!response.ok) {
      setStatus("failed", "This signup can no longer be followed here (" + response.status + ").");
      return;
    }
    const signup = await response.json();
    render(signup);
    if (signup.status === "provisioning") {
      setTimeout(function () { follow(statusUrl, claimToken, 0); }, pollInterval);
    }
  }

  // The same words as the server's status page (SignupPage.swift).
  function headingText(status) {
    if (status === "active") return "Your workspace is ready";
    if (status === "failed") return "Your workspace could not be set up";
    return "Setting up your workspace";
  }

  function setStatus(status, text) {
    statusLine.dataset.status = status;
    if (statusLine.textContent !== text) statusLine.textContent = text;
  }

  function render(signup) {
    const done = signup.steps.filter(function (step) { return step.done; }).length;
    heading.textContent = headingText(signup.status);
    if (signup.status === "provisioning") {
      setStatus("provisioning", "Provisioning… " + done + " of " + signup.steps.length + " steps done.");
    } else if (signup.status === "active") {
      setStatus("active", "Active: your workspace is ready.");
    } else if (signup.status === "failed") {
      setStatus("failed", "Failed: we could not set up your workspace.");
    } else {
      setStatus(signup.status, "Your workspace is " + signup.status + ".");
    }
    stepsList.replaceChildren.apply(stepsList, signup.steps.map(function (step) {
      const state = step.done ? "done" : "pending";
      const item = element("li", { class: "step " + state });
      item.append(element("span", { class: "marker", "aria-hidden": "true" }, step.done ? "✓" : "…"), " " + step.title + " ",
        element("span", { class: "visually-hidden" }, "(" + state + ")"));
      return item;
    }));
    if (signup.status !== "provisioning") renderResult(signup);
  }

  function renderResult(signup) {
    if (signup.status === "failed") {
      const alert = element("div", { class: "alert", role: "alert" });
      alert.append(element("p", {}, signup.failureReason || "Provisioning failed."));
      const again = element("p");
      again.append(element("a", { href: "/" }, "Try again"));
      alert.append(again);
      result.replaceChildren(alert);
      return;
    }
    const parts = [];
    let focusTarget = null;
    if (signup.apiKey) {
      const section = element("section", { class: "key", "aria-labelledby": "key-heading" });
      focusTarget = element("h2", { id: "key-heading", tabindex: "-1" }, "Your API key");
      const warning = element("p");
      warning.append("Copy it now: it is shown ", element("strong", {}, "only once"), ", and we keep only a hash of it.");
      const value = element("p", { class: "key-value" });
      const code = element("code", { id: "api-key" }, signup.apiKey);
      const copy = element("button", { type: "button", id: "copy-key" }, "Copy");
      const copied = element("span", { role: "status", class: "copied" });
      copy.addEventListener("click", function () { copyKey(code, copied); });
      value.append(code, copy, copied);
      section.append(focusTarget, warning, value);
      parts.push(section);
    } else {
      parts.push(element("p", { class: "note", id: "api-key-note" }, signup.apiKeyUnavailable
        ? "Your API key cannot be shown here any more; an operator can issue you a new one."
        : "Your API key was shown once already; we keep only its hash. Lost it? Create another one."));
    }
    parts.push(checklist(signup.onboarding));
    parts.push(example(signup.apiKey || "<your API key>"));
    result.replaceChildren.apply(result, parts);
    (focusTarget || heading).focus();
  }

  function checklist(items) {
    const section = element("section", { class: "checklist", "aria-labelledby": "onboarding-heading" });
    section.append(element("h2", { id: "onboarding-heading" }, "Get started"));
    const list = element("ul", { id: "onboarding" });
    for (const item of items) {
      const row = element("li", { class: item.done ? "done" : "pending", "data-item": item.id });
      row.append(element("span", { class: "marker", "aria-hidden": "true" }, item.done ? "✓" : "○"), " " + item.title + " ",
        element("span", { class: "visually-hidden" }, item.done ? "(done)" : "(to do)"));
      list.append(row);
    }
    section.append(list);
    return section;
  }

  function example(key) {
    const origin = window.location.origin;
    const section = element("section", { class: "example-call", "aria-labelledby": "try-heading" });
    section.append(element("h2", { id: "try-heading" }, "Try it"));
    section.append(element("p", {}, "Your workspace, its keys and this checklist:"));
    const tenant = element("pre");
    tenant.append(element("code", {}, "curl -s " + origin + "/v1/tenant \\\n  -H \"Authorization: Bearer " + key + "\""));
    section.append(tenant);
    section.append(element("p", {}, "Evaluate your first flag (any OpenFeature SDK with an OFREP provider works too):"));
    const evaluate = element("pre");
    evaluate.append(element("code", {}, "curl -s -X POST " + origin + "/ofrep/v1/evaluate/flags \\\n" +
      "  -H \"Authorization: Bearer " + key + "\" \\\n" +
      "  -H \"Content-Type: application/json\" -d '{\"context\":{}}'"));
    section.append(evaluate);
    return section;
  }

  async function copyKey(code, copied) {
    try {
      await navigator.clipboard.writeText(code.textContent);
      copied.textContent = "Copied";
    } catch (error) {
      // No clipboard access (not a secure context): select the key for a manual copy.
      const range = document.createRange();
      range.selectNodeContents(code);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      copied.textContent = "Selected: press Ctrl+C (⌘C) to copy";
    }
  }
})();
