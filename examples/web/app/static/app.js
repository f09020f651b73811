// Enhancements only: every form on these pages works without this file.
// - the CHANGE PASSWORD pop-up opens and closes in place (Esc, Cancel) and keeps focus inside;
// - the password checklist ticks live, from the account's rules as the server judges them;
// - the confirmation field says early when the two new passwords differ;
// - the enrolment page hides step 2 until NEXT, and gets a COPY CODE button;
// - the recovery codes page gets a PRINT button.
"use strict";

document.documentElement.classList.add("js");

function csrfToken() {
  const field = document.querySelector('input[name="csrf_token"]');
  return field ? field.value : "";
}

function setupDialog() {
  const dialog = document.getElementById("change-password");
  const opener = document.getElementById("open-change-password");
  if (!dialog || !opener) return;
  const open = () => {
    dialog.classList.remove("is-closed");
    dialog.classList.add("is-open");
    const first = dialog.querySelector('input[type="password"]');
    if (first) first.focus();
  };
  const close = () => {
    dialog.classList.remove("is-open");
    dialog.classList.add("is-closed");
    if (location.hash === "#change-password") history.replaceState(null, "", location.pathname);
    opener.focus();
  };
  opener.addEventListener("click", (e) => { e.preventDefault(); open(); });
  dialog.querySelectorAll("[data-close]").forEach((el) =>
    el.addEventListener("click", (e) => { e.preventDefault(); close(); }));
  dialog.addEventListener("click", (e) => { if (e.target === dialog) close(); });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && dialog.classList.contains("is-open")) close();
    if (e.key === "Tab" && dialog.classList.contains("is-open")) {
      const items = dialog.querySelectorAll("input:not([hidden]):not([type=hidden]), button, a[href]");
      const first = items[0], last = items[items.length - 1];
      if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
    }
  });
  if (location.hash === "#change-password" || dialog.classList.contains("is-open")) open();
}

function setupChecklist() {
  document.querySelectorAll(".password-form").forEach((form) => {
    const input = form.querySelector("#new_password");
    const confirm = form.querySelector("#confirm_password");
    const live = form.querySelector("#confirm-live");
    const items = form.querySelectorAll(".checklist li");
    let timer = null, seq = 0;
    const show = (violated) => {
      items.forEach((li) => {
        const bad = violated.includes(li.dataset.rule);
        li.classList.toggle("fail", bad);
        li.classList.toggle("ok", !bad);
        li.querySelector(".state").textContent = bad ? "not met" : "met";
      });
    };
    const check = async () => {
      const mine = ++seq;
      if (!input.value) { items.forEach((li) => { li.classList.remove("ok", "fail"); li.querySelector(".state").textContent = ""; }); return; }
      const res = await fetch("/security/password/check", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ password: input.value }),
        credentials: "same-origin",
      });
      // A session that ended meanwhile is redirected to the sign-in page (HTML): nothing to show.
      const json = (res.headers.get("Content-Type") || "").startsWith("application/json");
      if (res.ok && json && !res.redirected && mine === seq) show((await res.json()).violated);
    };
    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, 200); });
    const compare = () => { live.hidden = !confirm.value || confirm.value === input.value; };
    confirm.addEventListener("input", compare);
    input.addEventListener("input", () => { if (confirm.value) compare(); });
  });
}

function setupEnrolment() {
  const next = document.getElementById("next");
  const step = document.getElementById("step-enable");
  if (next && step) {
    next.addEventListener("click", (e) => {
      e.preventDefault();
      step.classList.add("is-shown");
      step.querySelector("input.code").focus();
    });
  }
  document.querySelectorAll("button.copy").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const done = button.parentElement.querySelector(".copy-done");
      try {
        await navigator.clipboard.writeText(button.dataset.copy);
        done.textContent = "Copied.";
      } catch {
        done.textContent = "Copying is blocked here; select the code and copy it.";
      }
    });
  });
}

function setupPrint() {
  document.querySelectorAll("button.print").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setupDialog();
  setupChecklist();
  setupEnrolment();
  setupPrint();
});
