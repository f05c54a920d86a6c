/* The console's Cypher editor: CodeMirror 6 with the Cypher mode of
 * @codemirror/legacy-modes, bracket matching, and completion of the graph's own
 * labels, relationship types and property keys (handed in by the page from the
 * schema read), plus Cypher keywords.
 *
 * Exposed as window.OwnergraphCypherEditor.attach(textarea, options): the textarea
 * stays the form field (the page works without this file); the editor writes its
 * text back into it on every change, so a plain form submit carries the query.
 */
import {EditorState} from "@codemirror/state";
import {EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection,
        placeholder as placeholderExt} from "@codemirror/view";
import {defaultKeymap, history, historyKeymap, indentWithTab} from "@codemirror/commands";
import {StreamLanguage, bracketMatching, syntaxHighlighting, indentOnInput} from "@codemirror/language";
import {autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap} from "@codemirror/autocomplete";
import {classHighlighter} from "@lezer/highlight";
import {cypher} from "@codemirror/legacy-modes/mode/cypher";

const KEYWORDS = ["MATCH", "OPTIONAL MATCH", "WHERE", "RETURN", "WITH", "UNWIND", "ORDER BY", "SKIP",
  "LIMIT", "DISTINCT", "AS", "AND", "OR", "NOT", "IN", "IS NULL", "IS NOT NULL", "STARTS WITH",
  "ENDS WITH", "CONTAINS", "CASE", "WHEN", "THEN", "ELSE", "END", "CALL", "YIELD", "UNION",
  "EXPLAIN", "count", "collect", "coalesce", "labels", "type", "keys", "properties", "size",
  "nodes", "relationships", "toLower", "toUpper", "shortestPath", "head", "last", "range"];

// The innermost bracket still open before `pos`: "(" for a node pattern, "[" for a
// relationship pattern, "{" for a map, or "" at the top level. Strings are skipped.
function openBracket(text, pos) {
  const stack = [];
  let quote = "";
  for (let i = 0; i < pos; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === "\\") { i++; } else if (ch === quote) { quote = ""; }
    } else if (ch === "'" || ch === '"' || ch === "`") {
      quote = ch;
    } else if (ch === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      i = end < 0 ? pos : end;
    } else if ("([{".includes(ch)) {
      stack.push(ch);
    } else if (")]}".includes(ch)) {
      stack.pop();
    }
  }
  return stack.length ? stack[stack.length - 1] : "";
}

function options(names, type, detail) {
  return names.map((n) => ({label: n, type: type, detail: detail}));
}

export function completionSource(schema) {
  const labels = options(schema.labels || [], "class", "label");
  const types = options(schema.relationship_types || [], "type", "relationship");
  const keys = options(schema.property_keys || [], "property", "property");
  const words = options(KEYWORDS, "keyword", "");
  return (context) => {
    const text = context.state.doc.toString();
    const colon = context.matchBefore(/:`?\w*$/);
    if (colon) {
      const inside = openBracket(text, colon.from);
      const list = inside === "(" ? labels : inside === "[" ? types : labels.concat(types);
      return {from: colon.from + 1, options: list, validFor: /^`?\w*$/};
    }
    const dot = context.matchBefore(/\.\w*$/);
    if (dot) {
      return {from: dot.from + 1, options: keys, validFor: /^\w*$/};
    }
    const word = context.matchBefore(/\w+$/);
    if (!word && !context.explicit) { return null; }
    return {from: word ? word.from : context.pos, options: words.concat(labels, types, keys),
            validFor: /^\w*$/};
  };
}

const theme = EditorView.baseTheme({
  "&": {fontSize: "13px", border: "1px solid #cbd2d9", borderRadius: "6px", background: "#fff"},
  "&.cm-focused": {outline: "2px solid #9fb3c8"},
  ".cm-scroller": {fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
                   minHeight: "9em", maxHeight: "28em"},
  ".tok-keyword": {color: "#7a2e8e", fontWeight: "600"},
  ".tok-atom": {color: "#0b6e4f"},
  ".tok-string": {color: "#a3471b"},
  ".tok-number": {color: "#1c5fa8"},
  ".tok-comment": {color: "#7b8794", fontStyle: "italic"},
  ".tok-variableName": {color: "#1f2933"},
  ".tok-variableName2, .tok-standard": {color: "#1c5fa8"},
  ".tok-definition": {color: "#b7322c"},
  ".cm-matchingBracket": {background: "#d9f2e6", outline: "1px solid #3ea37a"},
  ".cm-nonmatchingBracket": {background: "#fbe3e1", outline: "1px solid #c2412d"}
});

export function attach(textarea, opts) {
  opts = opts || {};
  // Ctrl/Cmd+Enter runs the query: the page's own key handler submits the form (app.js),
  // or opts.onRun when given; the editor only keeps the key from inserting a line.
  const run = () => { if (opts.onRun) { opts.onRun(); } return true; };
  const state = EditorState.create({
    doc: textarea.value,
    extensions: [
      lineNumbers(), history(), drawSelection(), highlightActiveLine(), indentOnInput(),
      StreamLanguage.define(cypher), syntaxHighlighting(classHighlighter), bracketMatching(),
      closeBrackets(), autocompletion({override: [completionSource(opts.schema || {})]}),
      keymap.of([{key: "Mod-Enter", run: run}, ...closeBracketsKeymap, ...completionKeymap,
                 ...historyKeymap, indentWithTab, ...defaultKeymap]),
      placeholderExt(textarea.getAttribute("placeholder") || "MATCH (n) RETURN n LIMIT 10"),
      EditorView.lineWrapping, theme,
      EditorView.updateListener.of((u) => { if (u.docChanged) { textarea.value = u.state.doc.toString(); } }),
      EditorView.contentAttributes.of({"aria-label": "Cypher query", "data-testid": "cypher-editor"})
    ]
  });
  const view = new EditorView({state: state});
  textarea.parentNode.insertBefore(view.dom, textarea);
  textarea.hidden = true;
  textarea.removeAttribute("required");   // a hidden required field blocks the submit
  textarea.setAttribute("data-editor", "on");
  return {
    view: view,
    get value() { return view.state.doc.toString(); },
    set value(text) {
      view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: text}});
    },
    focus() { view.focus(); }
  };
}

window.OwnergraphCypherEditor = {attach: attach, completionSource: completionSource};
