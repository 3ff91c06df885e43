"""Where ConflictKG's data files are: the one module that builds paths to them.

Every file the code reads at run time is found here, through
:mod:`importlib.resources`, so that a checkout (editable install) and an
installed wheel both work:

* ``ontology/`` and ``shapes/`` sit at the top of the repository in a checkout;
  a wheel carries copies in ``kg/_bundled/ontology`` and ``kg/_bundled/shapes``.
* the npm web libraries the pages serve sit in ``node_modules/`` of a checkout
  (``make web``); a wheel carries only the files the pages name, in
  ``kg/_bundled/web/`` with the same relative paths.
  ``scripts/stage_resources.py`` (``make wheel``) makes ``kg/_bundled`` before a build.
* ``kg/data`` and the ``api`` package's ``static/`` and ``queries/*.rq`` are package
  data in both cases.

``$KG_ONTOLOGY_DIR`` and ``$KG_SHAPES_DIR`` still override the ontology and shapes folders.
A file that is missing is an installation defect: :func:`require` raises
:class:`kg.errors.ResourceMissing` (exit status 3, an internal error).
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from kg.errors import ResourceMissing

#: env variables that override a folder
ONTOLOGY_ENV = "KG_ONTOLOGY_DIR"
SHAPES_ENV = "KG_SHAPES_DIR"
#: folder of the package holding the copies a wheel carries
BUNDLED = "_bundled"


def _package_dir(package: str) -> Path:
    # Regular packages installed from a wheel or a checkout live on the file system, so the
    # Traversable is a pathlib.Path; str() keeps this true for any file-system reader.
    return Path(str(files(package)))


def _checkout_dir() -> Path | None:
    """The repository root when ``kg`` is imported from a checkout, else None."""
    root = _package_dir("kg").parent
    return root if (root / "pyproject.toml").is_file() and (root / "ontology").is_dir() else None


def bundled_dir() -> Path:
    """``kg/_bundled``: the copies of ontology, shapes and web libraries a wheel carries."""
    return _package_dir("kg") / BUNDLED


def _top_level(name: str, env: str | None = None) -> Path:
    if env and os.environ.get(env):
        return Path(os.environ[env])
    root = _checkout_dir()
    if root is not None:
        return root / name
    return bundled_dir() / name


def ontology_dir() -> Path:
    """The folder holding ``conflict-kg.ttl`` and ``vendor/``."""
    return _top_level("ontology", ONTOLOGY_ENV)


def shapes_dir() -> Path:
    """The folder holding the SHACL shape files."""
    return _top_level("shapes", SHAPES_ENV)


def web_dir() -> Path:
    """The folder the npm web libraries are read from (``node_modules`` in a checkout)."""
    root = _checkout_dir()
    if root is not None:
        return root / "node_modules"
    return bundled_dir() / "web"


def data_dir() -> Path:
    """``kg/data``: gazetteer, word lists, patterns, lexicon."""
    return _package_dir("kg") / "data"


def static_dir() -> Path:
    """``api/static``: our own CSS and scripts of the pages."""
    return _package_dir("api") / "static"


def queries_dir() -> Path:
    """``api/queries``: the named SPARQL queries (``*.rq``)."""
    return _package_dir("api") / "queries"


def require(path: Path, hint: str = "") -> Path:
    """``path`` if it exists, else :class:`ResourceMissing` (exit status 3)."""
    if not path.exists():
        raise ResourceMissing(f"{path} is missing" + (f": {hint}" if hint else ""))
    return path


__all__ = ["BUNDLED", "ONTOLOGY_ENV", "SHAPES_ENV", "bundled_dir", "data_dir", "ontology_dir", "queries_dir",
           "require", "shapes_dir", "static_dir", "web_dir"]
