"""Settings read from the environment (prefix `KG_`), documented in README.md."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_project_dir() -> Path:
    """The checkout this package lives in; for an installed copy (site-packages), the working folder."""
    checkout = Path(__file__).resolve().parent.parent
    return checkout if (checkout / "pyproject.toml").is_file() else Path.cwd()


PROJECT_DIR = _default_project_dir()


class Settings(BaseSettings):
    """Every knob of the project; `KG_DATA_DIR=/tmp/x kg build` overrides `data_dir`."""

    model_config = SettingsConfigDict(env_prefix="KG_", env_file=None, extra="ignore")

    project_dir: Path = Field(PROJECT_DIR, description="Folder holding seeds/, ontology/ and kg/data/.")
    data_dir: Path = Field(PROJECT_DIR / "var" / "store", description="Folder of the embedded on-disk store.")
    memory: bool = Field(False, description="Keep the store in memory, not on disk (`kg serve --memory`).")
    remote_query_url: str | None = Field(None, description="SPARQL 1.1 query endpoint of a remote store.")
    remote_update_url: str | None = Field(None, description="SPARQL 1.1 update endpoint of a remote store.")
    remote_timeout_s: float = Field(60.0, description="HTTP timeout when talking to a remote store.")
    write_token: str | None = Field(None, description="Bearer token that enables writes over HTTP.")
    host: str = Field("127.0.0.1", description="Interface `kg serve` listens on (`kg serve --host`).")
    port: int = Field(8000, description="Port `kg serve` listens on (`kg serve --port`).")
    query_timeout_s: float = Field(30.0, description="Per-query time limit on the endpoint.")
    max_body_bytes: int = Field(10 * 1024 * 1024, description="Largest request body accepted.")
    max_query_chars: int = Field(200_000, description="Longest query or update text accepted.")
    max_query_nesting: int = Field(200, description="Deepest nesting of { } or ( ) accepted in a query.")
    max_result_bytes: int = Field(
        64 * 1024 * 1024,
        description="Largest answer to a query, in bytes of the format asked for; a larger one is refused.",
    )
    service_allowlist: list[str] = Field(default_factory=list, description="Endpoints SERVICE may call.")
    max_query_operators: int = Field(
        200,
        description="Most operators (triple patterns, UNION, OPTIONAL, MINUS, FILTER, BIND, ||, &&) in a query; "
        "Oxigraph plans such queries in super-linear time that no timeout can interrupt.",
    )
    max_concurrent_queries: int = Field(8, description="Queries evaluated at once; more wait for a slot.")
    dump_timeout_s: float = Field(600.0, description="Time limit of a Graph Store download (a dump).")
    queue_timeout_s: float = Field(10.0, description="Longest wait for a query slot before answering 503.")
    write_timeout_s: float = Field(60.0, description="Time limit of one update or Graph Store write.")
    stream_after_bytes: int = Field(
        64 * 1024, description="Answers are buffered up to this size (errors stay clean), then streamed."
    )
    cors_origins: list[str] = Field(
        ["*"], description="Origins allowed to call the endpoints from a browser."
    )
    public_url: str | None = Field(
        None, description="Public base URL (for the service description); default: the request's own URL."
    )
    root_path: str = Field(
        "",
        description="Path prefix the app is served under behind a reverse proxy that strips it before forwarding "
        "(`/syria` for https://example.org/syria/): every link, asset and request of the pages carries it, and "
        "URLs built from the request include it. Empty: served at /.",
    )
    remote_union_default_graph: bool = Field(
        True,
        description="The remote store's default graph is the union of its named graphs (`oxigraph serve "
        "--union-default-graph`, Virtuoso); false: it is a graph of its own, and the union is asked for.",
    )
    link_endpoint: str = Field(
        "https://query.wikidata.org/sparql", description="SPARQL endpoint `kg link` and `kg enrich` query."
    )
    link_user_agent: str = Field(
        "syria-kg/0.1 (https://w3id.org/syria-kg; entity linking of a knowledge graph of the Syrian war) "
        "SPARQLWrapper/2",
        description="User-Agent sent to the link endpoint (Wikimedia asks for a descriptive one).",
    )
    link_cache_dir: Path | None = Field(
        None, description="Folder of cached endpoint answers (default: link-cache/ beside the data dir)."
    )
    link_min_interval_s: float = Field(
        1.0, description="Least time between two requests to the link endpoint."
    )
    link_max_retries: int = Field(3, description="Retries of a failed request to the link endpoint.")
    link_backoff_s: float = Field(2.0, description="First retry delay; doubled after each failure.")
    link_timeout_s: float = Field(60.0, description="HTTP timeout of one request to the link endpoint.")
    link_languages: list[str] = Field(["en", "fr", "ar"], description="Label languages used to reconcile.")
    java: Path = Field(
        Path("/usr/bin/java"),
        description="The Java that runs HermiT for `--reason` (`kg validate`, `kg build`); never looked up on PATH. "
        "`make setup` installs Debian's default-jre-headless there when run as root.",
    )

    @field_validator("root_path")
    @classmethod
    def _one_leading_slash(cls, value: str) -> str:
        """`syria`, `/syria/` and `/syria` all mean `/syria`; `/` means no prefix."""
        segments = value.strip().strip("/")
        return "/" + segments if segments else ""

    @property
    def seeds_dir(self) -> Path:
        return self.project_dir / "seeds"

    @property
    def ontology_dir(self) -> Path:
        return self.project_dir / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.project_dir / "ontology" / "shapes"

    @property
    def facts_dir(self) -> Path:
        return self.project_dir / "kg" / "data"

    @property
    def queries_dir(self) -> Path:
        return self.project_dir / "queries"

    @property
    def link_cache_path(self) -> Path:
        """Where `kg link` and `kg enrich` cache endpoint answers."""
        return self.link_cache_dir or self.data_dir.parent / "link-cache"

    @property
    def is_remote(self) -> bool:
        return self.remote_query_url is not None


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
