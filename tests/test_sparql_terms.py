"""Terms written into SPARQL text (`kg/sparql_text.py`): one way for every query and update the project builds.

A hostile value (quotes, backslashes, line breaks in a literal; a `>` in an IRI) must come out as one term of
the same value, read back by the engine, or be refused; never as text that changes the query around it.
"""

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from kg.errors import InputError
from kg.sparql_text import iri_ref, literal, term, triples_text

HOSTILE_TEXTS = [
    'a "quoted" word',
    "back\\slash and \\n written out",
    "two\nlines\r\nand a tab\t",
    "ends with a backslash \\",
    '" } ; DROP ALL ; INSERT DATA { <x:a> <x:b> "',
    "Arabic: حلب, and an emoji 🙂",
    "'''\"\"\"",
]


def read_back(expression: str) -> ox.Literal | ox.NamedNode:
    """The value the engine reads from a SPARQL expression."""
    [row] = ox.Store().query(f"SELECT ?v WHERE {{ BIND ({expression} AS ?v) }}")
    return row["v"]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_a_hostile_string_is_read_back_as_itself(text: str) -> None:
    assert read_back(literal(text)) == ox.Literal(text)
    assert read_back(literal(text, language="ar")) == ox.Literal(text, language="ar")
    integer = str(XSD.integer)
    assert read_back(literal(text, datatype=integer)) == ox.Literal(text, datatype=ox.NamedNode(integer))


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_an_update_with_hostile_data_inserts_exactly_that_data(text: str) -> None:
    store = ox.Store()
    triples = [
        (URIRef("http://e/s"), URIRef("http://e/p"), Literal(text)),
        (BNode("b1"), URIRef("http://e/p"), Literal(3)),
    ]
    store.update(f"INSERT DATA {{ {triples_text(triples)} }}")
    assert {str(q.object.value) for q in store} == {text, "3"}
    assert len(store) == 2


@pytest.mark.parametrize(
    "iri",
    [
        "http://e/a> } ; DROP ALL ; <x:y",
        "http://e/a b",
        'http://e/"',
        "http://e/{x}",
        "http://e/a\\b",
        "relative",
        "",
    ],
)
def test_an_iri_that_could_end_early_or_is_not_absolute_is_refused(iri: str) -> None:
    with pytest.raises(InputError, match="not an IRI"):
        iri_ref(iri)


def test_iris_with_any_allowed_character_are_kept_whole() -> None:
    iri = "https://example.org/حلب/a?b=c&d=%20#frag-'x'"
    assert read_back(iri_ref(iri)) == ox.NamedNode(iri)


def test_rdflib_and_pyoxigraph_terms_are_written_alike() -> None:
    pairs = [
        (URIRef("http://e/a"), ox.NamedNode("http://e/a")),
        (Literal('say "x"'), ox.Literal('say "x"')),
        (Literal("Alep", lang="fr"), ox.Literal("Alep", language="fr")),
        (
            Literal("2014-09-23", datatype=XSD.date),
            ox.Literal("2014-09-23", datatype=ox.NamedNode(str(XSD.date))),
        ),
        (Literal("x", datatype=XSD.string), ox.Literal("x")),
        (BNode("n1"), ox.BlankNode("n1")),
    ]
    for rdflib_term, oxigraph_term in pairs:
        assert term(rdflib_term) == term(oxigraph_term)
    assert term(Literal("x", datatype=XSD.string)) == '"x"'


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: literal("x", language="en} ; DROP ALL"), "not a language tag"),
        (lambda: literal("x", datatype="http://e/t> . <x:y"), "not an IRI"),
        (lambda: term(BNode("a b")), "not a blank node label"),
        (lambda: term("plain text"), "cannot be written into SPARQL"),
    ],
)
def test_a_bad_language_datatype_label_or_term_is_refused(call, message: str) -> None:
    with pytest.raises(InputError, match=message):
        call()
