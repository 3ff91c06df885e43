"""Copy what a wheel must carry into ``kg/_bundled`` (run before building one; ``make wheel`` does).

* ``ontology/`` and ``shapes/`` of the repository, whole;
* of ``node_modules/`` only the files the pages serve (``api.pages.VENDOR_FILES`` and
  ``api.workbench.VENDOR``), with their relative paths.

:mod:`kg.resources` reads these copies when ``kg`` is not imported from a checkout.
``kg/_bundled`` is ignored by git and remade from scratch on every run.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.pages import VENDOR_FILES  # noqa: E402
from api.workbench import VENDOR  # noqa: E402
from kg import resources  # noqa: E402


def web_files() -> list[str]:
    """The files under node_modules the pages serve, relative paths."""
    return sorted({path for path, _ in VENDOR_FILES.values()} | {path for path, _ in VENDOR.values()})


def stage(out: Path | None = None) -> Path:
    out = out or ROOT / "kg" / resources.BUNDLED
    if out.exists():
        shutil.rmtree(out)
    for name in ("ontology", "shapes"):
        shutil.copytree(ROOT / name, out / name)
    missing = [rel for rel in web_files() if not (ROOT / "node_modules" / rel).is_file()]
    if missing:
        raise SystemExit(f"stage_resources: missing in node_modules (run `make web`): {', '.join(missing)}")
    for rel in web_files():
        target = out / "web" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "node_modules" / rel, target)
    return out


if __name__ == "__main__":
    print(stage())
