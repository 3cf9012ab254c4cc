"""Sources with a chain of custody: capture, extraction, archive, quote checks.

Following the Berkeley Protocol on Digital Open Source Investigations, a
source page is captured rather than linked: fetched over http(s) within
limits (``fetch``), its main text and metadata extracted (``extract``), the
original bytes kept as a WARC file beside the plain text, hashed with
SHA-256 and recorded with the capture time, final URL, HTTP status, content
type and capturing tool (``capture``).  ``importer`` adds one new source,
``archive`` captures the ones that have only a URL, ``dedupe`` keeps a page
from being added twice, ``suggest`` lists the parties, courts and dates an
imported text names, and ``quotes`` checks every cited quote against its
source's text.

Core code: no user interface, never imports textual.  Nothing is imported
with the package itself (the browser's Cites pane needs only ``quotes``); the
heavy libraries (httpx, trafilatura, pypdf, warcio) are imported on first use.
"""
