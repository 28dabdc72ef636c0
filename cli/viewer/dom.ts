/**
 * The viewer's DOM helpers: elements built with `createElement` and text
 * nodes only (never `innerHTML`), so a name or value from an archive is
 * always text, never markup; control characters are shown as `\xNN`
 * ({@linkcode visibleText}). Attributes are set with `setAttribute`.
 *
 * @module
 */
/// <reference lib="dom" />
import { visibleText } from "./boot.ts";
import { statusText } from "../format.ts";

/** A child of an element: a node, text, nothing, or a list of children (appended in a loop, never spread). */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

function append(el: Element, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else {el.append(
        typeof c === "string" ? visibleText(c) : typeof c === "number" ? String(c) : c as Node,
      );}
  }
}

/**
 * Replace an element's children with these (a loop: a list may be long).
 *
 * @param el The element.
 * @param children The new children.
 */
export function setChildren(el: Element, children: readonly Child[]): void {
  el.replaceChildren();
  append(el, children);
}

function setAttrs(el: Element, attrs: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") {
      el.addEventListener(k.slice(2), v as EventListener);
    } else {
      el.setAttribute(k, v === true ? "" : visibleText(String(v)));
    }
  }
}

/**
 * An HTML element.
 *
 * @param tag Tag name.
 * @param attrs Attributes (`on<event>` functions become listeners).
 * @param children Children.
 * @returns The element.
 */
export function h(
  tag: string,
  attrs: Record<string, unknown> = {},
  ...children: Child[]
): HTMLElement {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * An SVG element.
 *
 * @param tag Tag name.
 * @param attrs Attributes.
 * @param children Children.
 * @returns The element.
 */
export function s(
  tag: string,
  attrs: Record<string, unknown> = {},
  ...children: Child[]
): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/**
 * The element with this id.
 *
 * @param id The id.
 * @returns The element.
 */
export function byId(id: string): HTMLElement {
  return document.getElementById(id)!;
}

/**
 * Fill a section with a heading and children, and show it.
 *
 * @param id The section's id.
 * @param title Its heading.
 * @param children Its content.
 */
export function section(id: string, title: string, ...children: Child[]): void {
  const el = byId(id);
  el.replaceChildren(h("h2", {}, title));
  append(el, children);
  el.hidden = false;
}

/**
 * A label/value list.
 *
 * @param pairs Labels and values.
 * @returns The `<dl>`.
 */
export function kv(pairs: readonly (readonly [string, Child])[]): HTMLElement {
  return h("dl", { class: "kv" }, pairs.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

/**
 * A table inside its own scrolling box: a wide table scrolls there, the page does not.
 *
 * @param table The table.
 * @param tall Whether the box also caps its height (long lists).
 * @returns The box.
 */
export function tableBox(table: HTMLElement, tall = false): HTMLElement {
  return h("div", { class: tall ? "table-box tall" : "table-box" }, table);
}

/**
 * A digest shortened to its first 12 hex digits, with the full value as its
 * title and a copy button.
 *
 * @param digest The full digest.
 * @returns The element.
 */
export function digestEl(digest: string): HTMLElement {
  const short = /^sha256:[0-9a-f]{12}/.test(digest) ? `${digest.slice(0, 19)}…` : digest;
  return h(
    "span",
    { class: "digest-box" },
    h("code", { class: "digest", title: digest, "data-full": digest }, short),
    copyButton(digest),
  );
}

/**
 * A small button copying `text` to the clipboard.
 *
 * @param text What to copy.
 * @returns The button.
 */
export function copyButton(text: string): HTMLElement {
  const button = h("button", {
    type: "button",
    class: "copy",
    title: "copy",
    "data-copy": text,
    onclick: (ev: Event) => {
      ev.stopPropagation();
      const done = () => {
        button.classList.add("copied");
        button.textContent = "copied";
      };
      try {
        navigator.clipboard.writeText(text).then(done, () => selectText(button));
      } catch {
        selectText(button);
      }
    },
  }, "copy");
  return button;
}

/** Where the clipboard is not available: select the full value so the user can copy it. */
function selectText(button: HTMLElement): void {
  const code = button.previousElementSibling;
  if (code === null) return;
  code.textContent = button.getAttribute("data-copy");
  const range = document.createRange();
  range.selectNodeContents(code);
  const sel = getSelection();
  sel?.removeAllRanges();
  sel?.addRange(range);
}

/**
 * A status with its mark: `finished`, or `✗ failed` / `✗ interrupted`.
 *
 * @param status The status.
 * @param text The text (default: the status with its mark).
 * @returns The element.
 */
export function statusBadge(status: string, text?: string): HTMLElement {
  return h(
    "span",
    { class: `status ${status}` },
    text ?? statusText(status),
  );
}

/**
 * Replace the page's sections (`<main id="page">`) with empty, hidden ones.
 *
 * @param sections Each section's id and whether it spans the whole width.
 */
export function layout(sections: readonly (readonly [string, boolean])[]): void {
  byId("error").hidden = true;
  setChildren(
    byId("page"),
    sections.map(([id, wide]) =>
      h("section", { id, class: wide ? "wide" : undefined, hidden: true })
    ),
  );
}

/**
 * Set the header title and the document title.
 *
 * @param title The title.
 */
export function setTitle(title: string): void {
  byId("title").textContent = visibleText(title);
  document.title = `${visibleText(title)} — ommx-ts`;
}

/**
 * Show an error line above the page.
 *
 * @param code The error code.
 * @param message The message.
 */
export function showError(code: string, message: string): void {
  const el = byId("error");
  setChildren(el, [h("span", { class: "error-code" }, code), ": ", message]);
  el.hidden = false;
}
