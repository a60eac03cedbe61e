/**
 * Validation messages for the frame's forms (pre-chat, offline, rating, transcript):
 * each field's error sits under it, is tied to it by aria-describedby and marked
 * aria-invalid; the first invalid field gets the focus.
 * @module widget/forms
 */
import { el } from "./dom.js";

// The shape browsers accept for type=email; the server checks again.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Check required and email fields; show the messages; returns whether all are valid. */
export function validate(form, strings) {
  let first = null;
  for (const field of form.querySelectorAll("input:not([type=radio]):not([type=file]), textarea")) {
    const value = field.value.trim();
    let message = "";
    if (field.required && !value) message = strings.required;
    else if (field.type === "email" && value && !EMAIL.test(value)) message = strings.invalid_email;
    fieldError(field, message);
    if (message && !first) first = field;
  }
  formError(form, "");
  first?.focus();
  return !first;
}

export function fieldError(field, message) {
  const id = `${field.id}-error`;
  let note = document.getElementById(id);
  if (!message) {
    field.removeAttribute("aria-invalid");
    note?.remove();
    const rest = (field.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && x !== id);
    if (rest.length) field.setAttribute("aria-describedby", rest.join(" "));
    else field.removeAttribute("aria-describedby");
    return;
  }
  if (!note) {
    note = el("p", { id, className: "field-error" });
    field.closest(".field").append(note);
    const ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    field.setAttribute("aria-describedby", [...ids, id].join(" "));
  }
  note.textContent = message;
  field.setAttribute("aria-invalid", "true");
}

/** The message of the whole form (role=alert), or none. */
export function formError(form, message) {
  const note = form.querySelector(".form-error");
  note.textContent = message;
  note.hidden = !message;
}

/** Disable the submit button while a request runs. */
export function busy(form, on) {
  const button = form.querySelector("[type=submit]");
  if (button) button.disabled = on;
}
