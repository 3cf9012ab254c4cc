"""The terminal browser (Textual): app, screens, panes and styles.

Presentation only: everything shown is derived from a loaded ``Store`` by the
core (``casefiles.model``, ``casefiles.store``) or by the pure helpers in this
package that do not import textual (``selection``, ``facts``, ``text``).
"""
