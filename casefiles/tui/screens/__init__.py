"""Screens of the browser: main (linked panes), party, help; search and reader
live beside them."""
