// What the console's confirmation forms share (the Payments page's Release, the Ledger page's Acknowledge): an error
// line under each field, the one-line note such a decision keeps, and the API's field errors put next to their fields.
import { h, visible } from './format.js';

let forms = 0;

/** A number no other form of this page has had, for the ids its labels and error lines point to. */
export const nextFormNumber = () => ++forms;

/**
 * An error line for each of `fields` (name → input), tied to its input by aria-describedby. `show(byField)` writes the
 * reasons given by field name (the API's may quote what was typed, so hidden characters are spelled out) and marks
 * those inputs aria-invalid; the other fields' lines are cleared.
 */
export function fieldErrors(fields) {
  const lines = {};
  for (const [name, input] of Object.entries(fields)) {
    lines[name] = h('span', { class: 'field-error', id: `${input.id}-error`, dataset: { field: name } });
    input.setAttribute('aria-describedby', lines[name].id);
  }
  const show = (byField) => {
    for (const name of Object.keys(fields)) {
      lines[name].textContent = visible(byField[name] ?? '');
      if (byField[name]) fields[name].setAttribute('aria-invalid', 'true'); else fields[name].removeAttribute('aria-invalid');
    }
  };
  return { lines, show };
}

/** The field errors of a problem answer (an ApiError) for the fields a form has, by name; reasons for one field joined. */
export function problemFieldErrors(error, fields) {
  const byField = {};
  for (const { field, reason } of error?.problem?.errors ?? []) {
    if (Object.hasOwn(fields, field)) byField[field] = byField[field] ? `${byField[field]}; ${reason}` : reason;
  }
  return byField;
}

/**
 * A typed note as the API takes it: trimmed, 1 to `max` characters on one line. → { note } or { note, error } saying
 * what is wrong (`why` completes "is required: …"), so a refused note is never sent.
 */
export function checkNote(text, max, why) {
  const note = text.trim();
  const error = note === '' ? `is required: ${why}`
    : note.length > max ? `is ${note.length} characters long; at most ${max}`
      : /[\u0000-\u001f\u007f-\u009f]/.test(note) ? 'must be one line of text (no line breaks or control characters)' : undefined;
  return { note, error };
}
