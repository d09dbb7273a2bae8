// The portal's editor: CodeMirror 6 with JSON, line numbers and lint marks, exposed as window.SmartDomainsEditor.
import { EditorView, basicSetup } from "codemirror";
import { json } from "@codemirror/lang-json";
import { setDiagnostics, lintGutter } from "@codemirror/lint";

function create(parent, text, onChange) {
  return new EditorView({
    doc: text,
    parent,
    extensions: [basicSetup, json(), lintGutter(),
      EditorView.updateListener.of(u => { if (u.docChanged) onChange(u.state.doc.toString()); })],
  });
}

// Errors from the module's validator (1-based line and column) become marks at their place.
function mark(view, errors) {
  const doc = view.state.doc;
  const diagnostics = errors.map(e => {
    const line = doc.line(Math.min(Math.max(e.line, 1), doc.lines));
    const from = Math.min(line.from + Math.max(e.column - 1, 0), line.to);
    return { from, to: Math.max(from, Math.min(line.to, from + 1)), severity: "error", message: e.message };
  });
  view.dispatch(setDiagnostics(view.state, diagnostics));
}

function text(view) { return view.state.doc.toString(); }
function replace(view, value) { view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: value } }); }

window.SmartDomainsEditor = { create, mark, text, replace };
