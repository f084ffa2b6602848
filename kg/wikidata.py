"""The client of the link endpoint (default: the Wikidata Query Service), for `kg link` and `kg enrich`.

SPARQLWrapper builds each request (the SPARQL 1.1 Protocol parameters, the Accept header of the return format,
the User-Agent), converts the answer and names the protocol's errors; httpx sends the request, through
hishel's cache; tenacity retries. One httpx client carries it all, in three layers:

    SPARQLWrapper → httpx client → hishel cache → polite transport → the network

- The cache keeps every successful answer, in SQLite under `cache_dir`, without expiry: a cached answer is
  never asked again, so a second run costs nothing and `offline` works from the cache alone (its transport
  refuses to reach the network). The cache sees the query as a GET, keyed by its URL (the endpoint and the
  query); below it the polite transport sends the same parameters as a form-encoded POST, which the SPARQL
  1.1 Protocol defines as the same operation (https://www.w3.org/TR/sparql11-protocol/#query-operation) and
  which has no URL length limit (accepted by WDQS, Oxigraph and Virtuoso alike).
- Politeness to public endpoints (https://www.mediawiki.org/wiki/Wikidata_Query_Service/User_Manual): a
  descriptive User-Agent, at most one request per `min_interval_s`, retries with exponential backoff on
  connection errors, 429 and 5xx, honouring `Retry-After` (at most 60 s).
- The time of an answer is its `Date` header, which the polite transport adds when the endpoint sent none
  (https://www.rfc-editor.org/rfc/rfc9110#section-6.6.1), so a cached answer keeps the time it was fetched.

An endpoint that cannot be reached, or that refuses the query, gives one clear error, not a traceback.
"""

import datetime as dt
import email.utils
import io
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.response import addinfourl

import httpx
from hishel import SqliteStorage
from hishel.httpx import CacheTransport
from SPARQLWrapper import JSON, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)
from tenacity import (
    RetryCallState,
    RetryError,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from kg.errors import QueryError, StoreUnavailable
from kg.settings import Settings

RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER_S = 60.0
CACHE_FILE = "answers.sqlite"
# The statuses SPARQLWrapper turns into its own errors, as its urllib path raises them.
PROTOCOL_ERRORS: dict[int, type[SPARQLWrapperException]] = {
    400: QueryBadFormed,
    401: Unauthorized,
    404: EndPointNotFound,
    414: URITooLong,
    500: EndPointInternalError,
}


class EndpointUnavailable(StoreUnavailable):
    """The link endpoint cannot be reached (or keeps failing), or offline mode has no cached answer."""


@dataclass
class WikidataAnswer:
    """A SELECT answer from the endpoint or the cache, with when and where it was obtained."""

    endpoint: str
    query: str
    retrieved_at: dt.datetime
    bindings: list[dict[str, dict[str, str]]]
    from_cache: bool = False


@dataclass
class WikidataClient:
    """Asks the link endpoint SELECT queries: cached, polite, retried (see the module's docstring)."""

    endpoint: str
    user_agent: str
    cache_dir: Path
    min_interval_s: float = 1.0
    max_retries: int = 3
    backoff_s: float = 2.0
    timeout_s: float = 60.0
    offline: bool = False
    _http: httpx.Client | None = field(default=None, repr=False)
    _network: "PoliteTransport | None" = field(default=None, repr=False)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, endpoint: str | None = None, offline: bool = False
    ) -> "WikidataClient":
        """A client configured by the `link_*` settings."""
        return cls(
            endpoint=endpoint or settings.link_endpoint,
            user_agent=settings.link_user_agent,
            cache_dir=settings.link_cache_path,
            min_interval_s=settings.link_min_interval_s,
            max_retries=settings.link_max_retries,
            backoff_s=settings.link_backoff_s,
            timeout_s=settings.link_timeout_s,
            offline=offline,
        )

    @property
    def requests_sent(self) -> int:
        """Requests that reached the network (answers from the cache are not counted)."""
        return self._network.sent if self._network is not None else 0

    def select(self, query: str) -> WikidataAnswer:
        """The bindings of a SELECT query: from the cache if it holds them, else from the endpoint (then cached)."""
        attempts = self.max_retries + 1
        retrying = Retrying(
            stop=stop_after_attempt(attempts),
            wait=_WaitRetryAfter(wait_exponential(multiplier=self.backoff_s)),
            retry=retry_if_exception(_worth_retrying),
        )
        try:
            return retrying(self._ask, query)
        except RetryError as failed:
            problem = _problem(failed.last_attempt.exception())
            raise EndpointUnavailable(
                f"cannot reach the SPARQL endpoint {self.endpoint} ({problem}) after {attempts} attempts; "
                f"check the URL and the network, or use --offline to work from the cache in {self.cache_dir}"
            ) from failed
        except QueryBadFormed as error:
            raise QueryError(
                f"the SPARQL endpoint {self.endpoint} refused the query: {_text(error)}"
            ) from error
        except SPARQLWrapperException as error:
            raise EndpointUnavailable(
                f"the SPARQL endpoint {self.endpoint} failed: {_text(error)}"
            ) from error
        except httpx.HTTPStatusError as error:
            response = error.response
            raise EndpointUnavailable(
                f"the SPARQL endpoint {self.endpoint} answered HTTP {response.status_code}: "
                + " ".join(response.text.split())[:300]
            ) from error

    def _ask(self, query: str) -> WikidataAnswer:
        wrapper = _Wrapper(self.endpoint, self.user_agent, self.http())
        wrapper.setQuery(query)
        wrapper.setReturnFormat(JSON)
        wrapper.setTimeout(int(max(1, self.timeout_s)))
        result = wrapper.query().convert()
        if not isinstance(result, dict) or "results" not in result:
            raise QueryError(f"the SPARQL endpoint {self.endpoint} did not return SELECT results")
        response = wrapper.response
        assert response is not None
        retrieved = email.utils.parsedate_to_datetime(response.headers["date"]).astimezone(dt.UTC)
        from_cache = bool(response.extensions.get("caching", {}).get("from_cache"))
        return WikidataAnswer(self.endpoint, query, retrieved, result["results"]["bindings"], from_cache)

    def http(self) -> httpx.Client:
        """The one httpx client: the cache over the network (or over nothing, offline); opened once."""
        if self._http is None:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            storage = SqliteStorage(database_path=self.cache_dir / CACHE_FILE, max_size=None)
            below: httpx.BaseTransport
            if self.offline:
                below = OfflineTransport(self.endpoint, self.cache_dir)
            else:
                self._network = below = PoliteTransport(self.min_interval_s)
            self._http = httpx.Client(transport=CacheTransport(below, storage), follow_redirects=True)
        return self._http

    def close(self) -> None:
        """Close the HTTP client and the cache."""
        if self._http is not None:
            self._http.close()
            self._http = None


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper whose requests go through our httpx client rather than urllib."""

    def __init__(self, endpoint: str, agent: str, http: httpx.Client) -> None:
        super().__init__(endpoint, agent=agent)
        self.http = http
        self.response: httpx.Response | None = None

    def _query(self) -> tuple[Any, str]:
        # The one method of SPARQLWrapper that does I/O: the request it built, sent by httpx.
        request = self._createRequest()
        self.response = response = self.http.request(
            request.get_method(),
            request.full_url,
            headers=dict(request.header_items()),
            content=request.data,
            timeout=self.timeout,
        )
        if response.status_code in PROTOCOL_ERRORS:
            raise PROTOCOL_ERRORS[response.status_code](response.content)
        response.raise_for_status()
        body = addinfourl(io.BytesIO(response.content), dict(response.headers), str(response.url), 200)
        return body, self.returnFormat


class PoliteTransport(httpx.BaseTransport):
    """Below the cache, what reaches the network: one request per `min_interval_s`, as a form POST, dated."""

    def __init__(self, min_interval_s: float, network: httpx.BaseTransport | None = None) -> None:
        self.min_interval_s = min_interval_s
        self.network = network or httpx.HTTPTransport()
        self.sent = 0
        self._last = float("-inf")

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        wait = self._last + self.min_interval_s - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()
        self.sent += 1
        response = self.network.handle_request(as_form_post(request))
        response.headers.setdefault("Date", email.utils.formatdate(usegmt=True))
        return response

    def close(self) -> None:
        self.network.close()


class OfflineTransport(httpx.BaseTransport):
    """Below the cache in offline mode: a request the cache cannot answer stops here."""

    def __init__(self, endpoint: str, cache_dir: Path) -> None:
        self.endpoint = endpoint
        self.cache_dir = cache_dir

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise EndpointUnavailable(
            f"offline: no cached answer from {self.endpoint} for this query in {self.cache_dir} "
            "(run once without --offline to fill the cache)"
        )


def as_form_post(request: httpx.Request) -> httpx.Request:
    """A query sent by GET as the equivalent form-encoded POST (SPARQL 1.1 Protocol, query via POST).

    >>> post = as_form_post(httpx.Request("GET", "http://e/sparql?query=ASK%7B%7D&format=json"))
    >>> post.method, str(post.url), post.headers["content-type"], post.content
    ('POST', 'http://e/sparql', 'application/x-www-form-urlencoded', b'query=ASK%7B%7D&format=json')
    """
    if request.method != "GET" or not request.url.query:
        return request
    headers = {k: v for k, v in request.headers.items() if k not in ("content-length", "content-type")}
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return httpx.Request(
        "POST",
        request.url.copy_with(query=None),
        headers=headers,
        content=request.url.query,
        extensions=request.extensions,
    )


class _WaitRetryAfter:
    """The endpoint's `Retry-After` when it sent one, else `fallback`; at most MAX_RETRY_AFTER_S."""

    def __init__(self, fallback: wait_exponential) -> None:
        self.fallback = fallback

    def __call__(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        seconds = _retry_after(error)
        return min(self.fallback(state) if seconds is None else seconds, MAX_RETRY_AFTER_S)


def _worth_retrying(error: BaseException) -> bool:
    """Connection failures, 429, 5xx: another try may work. A refused query or a 404 will not."""
    if isinstance(error, httpx.HTTPStatusError):
        return error.response.status_code in RETRY_STATUSES
    return isinstance(error, EndPointInternalError | httpx.TransportError)


def _retry_after(error: BaseException | None) -> float | None:
    if not isinstance(error, httpx.HTTPStatusError):
        return None
    try:
        return float(error.response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def _problem(error: BaseException | None) -> str:
    """What went wrong, in a few words, for the final message."""
    if isinstance(error, httpx.HTTPStatusError | EndPointInternalError):
        status = error.response.status_code if isinstance(error, httpx.HTTPStatusError) else 500
        return f"HTTP {status}"
    return str(error) or type(error).__name__


def _text(error: SPARQLWrapperException) -> str:
    return " ".join(str(error).split())[:500]
