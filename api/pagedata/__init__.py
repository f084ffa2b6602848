"""What the pages and the browser's JSON read from the graph: the service layer under the page routers
(`api/routers/browser.py`, `api/routers/entities.py`).

Data access only, no HTTP: nothing here takes a request or builds a response. An id the graph knows nothing
about raises `kg.errors.NotInGraph` and text that cannot be an IRI `kg.errors.InputError`; the application's
one error handler (api/errors.py) answers them with 404 and 400. The alliance network itself is read by
`kg.network`, shared with the analytics.
"""
