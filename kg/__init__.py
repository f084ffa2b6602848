"""syria-kg: a provenance-bearing knowledge graph of the actors and alliances of the Syrian war.

Layers (imports go one way): vocab, settings, errors → store, authoring → reasoning, validate, build → cli.
"""

__version__ = "0.1.0"
