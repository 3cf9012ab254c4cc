"""Edits of the case file, without a user interface: what forms and the editor
round trip sit on.

- ``parse``: dates and durations as people type them (``26 Sept 2018``, ``2y6m``);
- ``yamlio``: a document, or a case with its proceedings and sentences, as YAML
  and back (hostile YAML refused: anchors, aliases, tags, duplicate keys);
- ``ops``: edits as operations (checked like ``Store.put``, applied, undone),
  provenance rules, versions of a disputed fact, undo/redo history;
- ``session``: ``casefiles edit`` (the ``kubectl edit`` loop in ``$VISUAL``/``$EDITOR``);
- ``history``: a document's versions from the change log, restoring one, whether
  another program changed a document since an edit began, following the log.
- ``pick``: the pickers' choices (parties, courts, sources, vocabularies) matched
  with the search package's forgiving machinery ("lem moni" finds Lim Mony).

Nothing here imports textual.
"""
