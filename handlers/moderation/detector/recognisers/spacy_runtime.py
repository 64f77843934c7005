"""spaCy for the detector, imported without torch.

thinc (spaCy's network library) imports torch whenever it is installed, and the semantic extra
installs it: some 300 MB and two seconds the detector never uses, since the learned layer runs
on numpy. While spaCy is first imported, torch reads as absent; anything that imports torch
later gets it as usual.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType


def spacy() -> ModuleType:
    if "spacy" in sys.modules or "torch" in sys.modules:
        return importlib.import_module("spacy")
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` fail
    try:
        return importlib.import_module("spacy")
    finally:
        del sys.modules["torch"]
