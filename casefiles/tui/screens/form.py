"""The form of one fact: ``e`` edits the selected fact, ``a`` adds one, ``c``
cites it (``casefiles.tui.edits``).

```
┏ edit event: Arrested at home · Lim Mony ━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ date *         26 Sept 2018        26 Sept 2018 → 2018-09-26 (…)    ┃
┃ what happened* Arrested at home                                     ┃
┃ kind           arrest                                               ┃
┃ party          lim-mony            → Lim Mony                       ┃
┃ save as        a correction of this fact (its cites are kept)  ▼   ┃
┃ cite: the source that says so (adds one to its 2 cites)             ┃
┃ source         s01                 → Justice ministry dismissive…   ┃
┃ quote          …                   ⚠ … is not in the article of s01 ┃
┃ ^s save · esc cancel · tab next field · ⏎ pick from a list          ┃
┗━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┛
```

One row per field: the label, the input (a line or a text box; ``enter`` on a
vocabulary, party, court, source or ruling field opens the fuzzy
``PickerScreen``, whose "new party…"/"new source…" opens a nested form saved
with this one), and beside it how the value was read or why it is refused.
Control characters, escape sequences and bidi controls are drawn as visible
symbols (``LiteralInput``, ``LiteralTextArea``), never sent to the terminal.
The form itself is ``casefiles.edit.forms.Form`` (the core): this screen only
presents it.  Each field is read as it is typed; the core
check of the whole document (``Form.check``: the rules ``validate`` applies,
the provenance rules, quotes looked up in their article) runs in a thread a
moment after the last key, and its findings go beside their fields.

``ctrl+s`` saves only when the check finds nothing that refuses it (a
warning needs a second ``ctrl+s``); the screen then dismisses with a
``FormSaved`` holding the ``Operation``, which the app applies through its
undo history.  ``esc`` cancels (asking first when something was typed).
Every text is drawn literally.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import ClassVar, Final

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Select, Static, TextArea

from casefiles.edit.formopen import new_doc_form
from casefiles.edit.forms import Form, FormCheck, pending_doc
from casefiles.edit.formspec import CITE, CITE_FIELDS, SAVE_AS_CHOICES, VERSION, FieldSpec
from casefiles.edit.ops import Operation
from casefiles.model import humanise
from casefiles.store import Store
from casefiles.textsafe import TEXT_ALLOWED, UNSAFE, clip, literal
from casefiles.tui.bindings import bind
from casefiles.tui.keys import KEYS, short_key

#: Seconds after the last key before the whole form is checked.
CHECK_DELAY: Final = 0.12
#: Characters of a finding shown beside a field (the rest: ``…``).
SHOWN: Final = 300
_ACTIONS: Final = {"casefiles.form_save": "save", "casefiles.form_cancel": "cancel"}
_TABLE_OF_PICK: Final = {"party": "parties", "court": "courts", "source": "sources"}


@dataclass(frozen=True, slots=True)
class FormSaved:
    """What a form dismisses with when saved: the operation to apply (through
    the app's history), whether its warnings were confirmed, and the form."""

    operation: Operation | None
    accept_warnings: bool
    form: Form


def _picture(ch: str) -> str:
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # ␛ for ESC, ␇ for BEL …
    return "␡" if code == 0x7F else "\ufffd"


#: Every character validation refuses, drawn as one visible cell instead.
_PICTURES: Final = str.maketrans({ch: _picture(ch) for ch in UNSAFE})
_PICTURES_TEXT: Final = str.maketrans({ch: _picture(ch) for ch in UNSAFE if ch not in TEXT_ALLOWED})


def pictured(text: str, multiline: bool = False) -> str:
    """``text`` as a form draws it: each control character, escape or bidi
    control shown as a visible symbol of one cell (``␛``, ``�``), never sent to
    the terminal.  The field's value keeps the characters, and the check refuses
    them with ``validate``'s reason."""
    return text.translate(_PICTURES_TEXT if multiline else _PICTURES)


class LiteralInput(Input):
    """A one-line field that draws what it holds literally (``pictured``)."""

    def _position_to_cell(self, position: int) -> int:
        return cell_len(pictured(self.value[:position]).expandtabs(4))

    @property
    def _value(self) -> Text:
        return Text(pictured(self.value), no_wrap=True, overflow="ignore", end="")


class LiteralTextArea(TextArea):
    """A text field that draws what it holds literally (``pictured``; newlines
    and tabs are text's own)."""

    def get_line(self, line_index: int) -> Text:
        """One line, drawn literally."""
        return Text(pictured(self.document.get_line(line_index), True), end="", no_wrap=True)


def _wid(i: int) -> str:
    return f"field-{i}"


def _listed(spec: FieldSpec) -> bool:
    """Filled in from a list (``enter`` opens it): a vocabulary, a case's rulings."""
    return spec.kind in ("vocab", "proceeding")


class FormScreen(ModalScreen[FormSaved | None]):
    """One fact's form; see the module docstring."""

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > #form-box {
        width: 96%;
        max-width: 140;
        height: auto;
        max-height: 96%;
        border: heavy $accent;
        border-title-color: $accent;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    FormScreen #form-fields { height: auto; max-height: 80vh; scrollbar-size-vertical: 1; }
    FormScreen .form-row { height: auto; min-height: 1; margin-bottom: 0; }
    FormScreen .form-label { width: 16; color: $text-muted; }
    FormScreen .form-label.required { color: $text; text-style: bold; }
    FormScreen .form-input { width: 1fr; }
    FormScreen Input.form-input {
        border: none; height: 1; padding: 0 1; background: $boost;
    }
    FormScreen Input.form-input:focus { background: $accent 25%; }
    FormScreen TextArea.form-input {
        border: none; height: 3; padding: 0 1; background: $boost;
    }
    FormScreen TextArea.form-input:focus { background: $accent 25%; }
    FormScreen Select.form-input { height: auto; }
    FormScreen Input.form-input.listed { color: $text-accent; }
    FormScreen Select.form-input > SelectCurrent {
        border: none; height: 1; padding: 0 1; background: $boost;
    }
    FormScreen Select.form-input:focus > SelectCurrent { background: $accent 25%; }
    FormScreen .form-how { width: 40%; padding: 0 0 0 1; color: $text-muted; }
    FormScreen .form-how.error { color: $text-error; }
    FormScreen .form-how.warning { color: $text-warning; }
    FormScreen .form-section { color: $text-secondary; text-style: bold; margin-top: 1; }
    FormScreen #form-problems { height: auto; max-height: 6; color: $text-error; }
    FormScreen #form-keys { height: 1; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        bind(binding_id, action) for binding_id, action in _ACTIONS.items()
    ]

    def __init__(self, form: Form, store: Store, *, nested: bool = False) -> None:
        super().__init__(classes="form-screen")
        self.form = form
        self.store = store
        self.nested = nested
        """A form opened from another (a new party for a picker): it returns its
        form instead of an operation; the outer form saves both."""
        self.result: FormCheck | None = None
        """The last check of the whole form (``None`` until one has run)."""
        self._fields: dict[str, FieldSpec] = {}
        self._ids: dict[str, str] = {}
        self._timer: Timer | None = None
        self._version = 0
        self._confirm_warnings: list[str] | None = None
        self._fresh = False
        """``result`` is the check of the form as it is now."""
        self._shown_how: dict[str, tuple[str, str]] = {}
        self._save_pending = False
        """``ctrl+s`` waits for the check running now."""

    # -- layout

    def _input(self, i: int, spec: FieldSpec) -> Widget:
        form = self.form
        wid = _wid(i)
        text = form.text(spec.name)
        disabled = not form.editable(spec.name)
        if _listed(spec):  # a vocabulary, a case's rulings: enter opens the list
            hint = spec.hint or "⏎ pick"
            if spec.kind == "vocab":
                hint = "⏎ pick: " + ", ".join(humanise(v) for v in spec.vocab)
            return LiteralInput(
                text,
                placeholder=hint,
                id=wid,
                classes="form-input listed",
                disabled=disabled,
                select_on_focus=False,
            )
        if spec.multiline:
            area = LiteralTextArea(
                text, id=wid, classes="form-input", soft_wrap=True, show_line_numbers=False
            )
            area.disabled = disabled
            return area
        return LiteralInput(
            text,
            placeholder=spec.hint,
            id=wid,
            classes="form-input",
            disabled=disabled,
            select_on_focus=False,
        )

    def _row(self, i: int, spec: FieldSpec) -> ComposeResult:
        self._fields[_wid(i)] = spec
        self._ids[spec.name] = _wid(i)
        label = spec.label + (" *" if spec.required else "")
        with Horizontal(classes="form-row"):
            yield Static(
                Text(label),
                classes="form-label required" if spec.required else "form-label",
                markup=False,
            )
            yield self._input(i, spec)
            yield Static("", id=f"how-{i}", classes="form-how", markup=False)

    def compose(self) -> ComposeResult:
        form = self.form
        with Vertical(id="form-box"):
            with VerticalScroll(id="form-fields"):
                i = 0
                for spec in form.spec.fields:
                    yield from self._row(i, spec)
                    i += 1
                if form.can_version:
                    with Horizontal(classes="form-row"):
                        yield Static(Text("save as"), classes="form-label", markup=False)
                        yield Select(
                            [(Text(label), value) for value, label in SAVE_AS_CHOICES],
                            allow_blank=False,
                            value=form.save_as,
                            id="save-as",
                            classes="form-input",
                            compact=True,
                        )
                        yield Static("", id="how-save-as", classes="form-how", markup=False)
                if form.spec.cites != "none":
                    yield Static(
                        Text(self._cite_heading()),
                        id="cite-section",
                        classes="form-section",
                        markup=False,
                    )
                    for spec in CITE_FIELDS:
                        yield from self._row(i, spec)
                        i += 1
            yield Static("", id="form-problems", markup=False)
            yield Static(Text(self._keys_line()), id="form-keys", markup=False)

    def _cite_heading(self) -> str:
        """What the cite section does for this form (adds a cite, edits one, is
        the new version's own)."""
        form = self.form
        need = "required" if form.spec.cites == "required" else "optional"
        have = len((form.original or {}).get("cites", ()))
        if form.cite_index is not None:
            need = "this cite; emptied, it is removed"
        elif form.can_version and form.save_as == VERSION:
            need = "the new version's own, required"
        elif form.mode == "edit" and have:
            need = f"adds one to its {have} cite{'s' if have != 1 else ''}"
        return f"cite: the source that says so ({need})"

    def _keys_line(self) -> str:
        keys = {spec.id: spec for spec in KEYS}
        save = short_key(keys["casefiles.form_save"].keys)
        cancel = short_key(keys["casefiles.form_cancel"].keys)
        line = f"{save} save · {cancel} cancel · tab next field"
        if any(spec.picked or _listed(spec) for spec in self._fields.values()):
            line += " · ⏎ pick from a list"
        return line

    def on_mount(self) -> None:
        """Title, first field focused, every field read, the first check."""
        box = self.query_one("#form-box")
        box.border_title = literal(clip(self.form.title, 100))
        for wid, spec in self._fields.items():
            self._show_reading(wid, spec)
        first = next((w for w in self.query(".form-input") if not w.disabled and w.can_focus), None)
        if first is not None:
            first.focus()
        self._check_now()
        tables = sorted(
            {_TABLE_OF_PICK[spec.kind] for spec in self._fields.values() if spec.picked}
        )
        if tables:
            self._prepare_pickers(tables)

    @work(thread=True, group="form-pick-index", exit_on_error=False)
    def _prepare_pickers(self, tables: list[str]) -> None:
        """Build the choice index of each picker this form can open, off the UI
        thread, as the form opens: on a big store the first ``enter`` on a party
        or source field then opens its picker at once (``pick.Choices.prepare``;
        the index is kept per store, so the picker finds it built)."""
        try:
            from casefiles.edit.pick import Choices
        except ImportError:  # no picker: the fields take ids
            return
        for table in tables:
            if not self.is_attached:
                return
            Choices(self.store, table).prepare()

    # -- typing

    def _value_of(self, widget: Widget) -> str:
        if isinstance(widget, Input):
            return widget.value
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Select):  # save as
            value = widget.value
            return value if isinstance(value, str) else ""
        return ""

    def _changed(self, widget: Widget | None) -> None:
        if widget is None or widget.id is None:
            return
        if widget.id == "save-as":
            value = self._value_of(widget)
            if value and value != self.form.save_as:
                self.form.save_as = value
                self.query_one("#cite-section", Static).update(Text(self._cite_heading()))
                self._schedule()
            return
        spec = self._fields.get(widget.id)
        if spec is None:
            return
        text = self._value_of(widget)
        if text == self.form.text(spec.name):
            return
        self.form.set_text(spec.name, text)
        self._confirm_warnings = None
        self._save_pending = False  # typing again: save what is typed then, with ctrl+s
        self._show_reading(widget.id, spec)
        self._schedule()

    def on_input_changed(self, event: Input.Changed) -> None:
        """A line was typed in: read it now, check the form in a moment."""
        event.stop()
        self._changed(event.input)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """A text box changed."""
        event.stop()
        self._changed(event.text_area)

    def on_select_changed(self, event: Select.Changed) -> None:
        """Save as a correction or as another version."""
        event.stop()
        self._changed(event.select)

    def _show_reading(self, wid: str, spec: FieldSpec) -> None:
        """What the field's own reading says (before the whole form is checked)."""
        reading = self.form.read(self.store, spec.name)
        found = self.result
        messages = found.errors.get(spec.name, []) if found else []
        warnings = found.warnings.get(spec.name, []) if found else []
        if reading.error is not None:
            self._how(wid, reading.error, "error")
        elif messages:
            self._how(wid, "; ".join(messages), "error")
        elif warnings:
            self._how(wid, "⚠ " + "; ".join(warnings), "warning")
        elif spec.name == "id" and self.form.mode == "add" and reading.value is None:
            self._how(wid, f"→ {self.form.suggest_id(self.store)}", "")
        else:
            self._how(wid, reading.how, "")

    def _how(self, wid: str, text: str, kind: str) -> None:
        if self._shown_how.get(wid) == (text, kind):
            return  # unchanged: no repaint (and no layout) for it
        self._shown_how[wid] = (text, kind)
        how = self.query_one(f"#how-{wid.removeprefix('field-')}", Static)
        how.update(Text(literal(clip(text, SHOWN))))
        how.set_class(kind == "error", "error")
        how.set_class(kind == "warning", "warning")

    # -- checking

    def _schedule(self) -> None:
        self._fresh = False
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(CHECK_DELAY, self._check_now)

    def _snapshot(self) -> Form:
        form = copy.copy(self.form)
        form.texts = dict(self.form.texts)
        form.pending = list(self.form.pending)
        return form

    def _check_now(self) -> None:
        self._timer = None
        self._version += 1
        self._check(self._snapshot(), self._version)

    @work(thread=True, exclusive=True, group="form-check", exit_on_error=False)
    def _check(self, form: Form, version: int) -> None:
        """The core check of the whole form, off the UI thread (on a 100k store a
        court's change re-checks every proceeding at that court)."""
        try:
            result = form.check(self.store)
        except Exception as exc:  # a bug in a check must not take the browser down
            result = FormCheck()
            result.add("", f"the check failed: {type(exc).__name__}: {exc}")
        self.app.call_from_thread(self._checked, result, version)

    def _checked(self, result: FormCheck, version: int) -> None:
        if version != self._version or not self.is_attached:
            return
        self.show_check(result)
        self._fresh = True
        if self._save_pending:
            self._save_pending = False
            self._finish_save(result)

    def show_check(self, result: FormCheck) -> None:
        """Put a check's findings beside their fields; the rest below the form."""
        self.result = result
        for wid, spec in self._fields.items():
            self._show_reading(wid, spec)
        names = set(self._ids)
        general = [f"{m}" for m in result.errors.get("", [])]
        general += [
            f"{n}: {m}" for n, ms in result.errors.items() if n and n not in names for m in ms
        ]
        general += [f"⚠ {m}" for m in result.warnings.get("", [])]
        general += [
            f"⚠ {n}: {m}" for n, ms in result.warnings.items() if n and n not in names for m in ms
        ]
        shown = "\n".join(literal(clip(line, SHOWN)) for line in general)
        if self._shown_how.get("form-problems") != (shown, ""):
            self._shown_how["form-problems"] = (shown, "")
            self.query_one("#form-problems", Static).update(Text(shown))

    def redraw_from_store(self) -> None:
        """The store changed (another program's commit, picked up by the app):
        check again; a change to this form's document shows both versions."""
        self._schedule()

    # -- pickers

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """``enter``: a party, court or source field opens its picker; any other
        field moves on to the next."""
        event.stop()
        spec = self._fields.get(event.input.id or "")
        if spec is not None and spec.picked:
            self.open_picker(spec)
        elif spec is not None and _listed(spec):
            self.open_list(spec)
        else:
            self.focus_next()

    def open_list(self, spec: FieldSpec) -> None:
        """A vocabulary (or the case's rulings) in the picker: type to narrow."""
        from casefiles.edit.pick import Choices
        from casefiles.tui.screens.picker import Picked, PickerScreen

        wid = self._ids[spec.name]

        def picked(choice: Picked | None) -> None:
            if choice is not None and choice.id is not None:
                self._set(wid, choice.id)

        choices = Choices.of_values(self.form.choices(self.store, spec.name))
        self.app.push_screen(
            PickerScreen(choices, f"{spec.label}: pick one", allow_new=False), picked
        )

    def open_picker(self, spec: FieldSpec) -> None:
        """The fuzzy picker over the store's parties, courts or sources."""
        try:
            from casefiles.edit.pick import Choices
            from casefiles.tui.screens.picker import Picked, PickerScreen
        except ImportError:
            self.notify("The picker is not available: type the id.", timeout=3)
            return
        table = _TABLE_OF_PICK[spec.kind]
        wid = self._ids[spec.name]

        def picked(choice: Picked | None) -> None:
            if choice is None:
                return
            if choice.new:
                self._new_document(spec, wid, choice.text)
            elif choice.id is not None:
                self._set(wid, choice.id)

        typed = self.form.text(spec.name).strip()
        known = self.form.name_of(self.store, table, typed) if typed else None
        title = f"{spec.label}: pick a {spec.kind}"
        self.app.push_screen(
            PickerScreen(
                Choices(self.store, table),
                title,
                allow_new=spec.kind in ("party", "source"),
                initial=known or typed,
            ),
            picked,
        )

    def _new_document(self, spec: FieldSpec, wid: str, text: str) -> None:
        """A nested form for a new party or source; saved with this form."""
        nested = new_doc_form(spec.kind, text)

        def made(saved: FormSaved | None) -> None:
            if saved is None:
                return
            table, doc = pending_doc(self.store, saved.form)
            self.form.pending.append((table, doc))
            self._set(wid, str(doc["id"]))

        self.app.push_screen(FormScreen(nested, self.store, nested=True), made)

    def _set(self, wid: str, value: str) -> None:
        widget = self.query_one(f"#{wid}")
        if isinstance(widget, Input):
            widget.value = value
        elif isinstance(widget, TextArea):
            widget.text = value
        self._changed(widget)
        widget.focus()

    # -- save, cancel

    def action_save(self) -> None:
        """Save when the form is valid; refuse with the reasons beside the fields."""
        form = self.form
        if not form.dirty and form.mode == "edit":
            self.notify("Nothing changed.", timeout=3)
            return
        if self._fresh and self.result is not None:
            self._finish_save(self.result)
            return
        # The check of what is typed now runs in its thread (at 100k cases a
        # court's change re-checks thousands of proceedings): save when it is back.
        self._save_pending = True
        if self._timer is not None:
            self._timer.stop()
        self._check_now()

    def _finish_save(self, result: FormCheck) -> None:
        form = self.form
        if not result.ok:
            count = sum(len(m) for m in result.errors.values())
            self.notify(
                f"Not saved: {count} problem{'s' if count != 1 else ''} (shown beside the fields).",
                severity="error",
                timeout=5,
            )
            self.app.bell()
            return
        warnings = result.lines()
        if warnings and self._confirm_warnings != warnings:
            self._confirm_warnings = warnings
            key = short_key(next(k.keys for k in KEYS if k.id == "casefiles.form_save"))
            self.notify(
                f"Please look at the warnings; {key} again saves anyway.",
                severity="warning",
                timeout=6,
            )
            return
        self.dismiss(FormSaved(result.operation, bool(warnings), form))

    def action_cancel(self) -> None:
        """Close without saving (asks first when something was typed)."""
        if not self.form.dirty:
            self.dismiss(None)
            return
        from casefiles.tui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        changed = [
            f"{spec.label}: {clip(self.form.text(spec.name), 60)}"
            for spec in self.form.fields
            if self.form.text(spec.name) != self.form.initial.get(spec.name, "")
        ]
        self.app.push_screen(
            ConfirmScreen("Discard this form's changes?", changed[:10] or ["(new documents)"]),
            answered,
        )


__all__ = ["CITE", "FormSaved", "FormScreen", "LiteralInput", "LiteralTextArea", "pictured"]
