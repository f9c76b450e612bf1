"""Compiles ConfidentialToken.vy with Vyper 0.4.3 into ConfidentialToken.json (its ABI,
init code and the SHA-256 of the source it came from), or with --check verifies that
the committed JSON is what the source compiles to.

    pip install vyper==0.4.3            # or use Tests/e2e/.venv, which has it
    python clients/python/examples/compile_token.py [--check]

The client library does not need Vyper: the example and the tests read the JSON.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "ConfidentialToken.vy"
ARTIFACT = HERE / "ConfidentialToken.json"
VYPER_VERSION = "0.4.3"


def compile_source() -> dict[str, Any]:
    import vyper  # type: ignore[import-not-found, unused-ignore]

    if not str(vyper.__version__).startswith(VYPER_VERSION):
        raise SystemExit(f"needs vyper {VYPER_VERSION}, found {vyper.__version__}")
    source = SOURCE.read_text()
    out = vyper.compile_code(source, output_formats=["bytecode", "abi"])
    return {
        "contractName": "ConfidentialToken",
        "compiler": f"vyper {VYPER_VERSION}",
        "sourceSha256": hashlib.sha256(source.encode()).hexdigest(),
        "abi": out["abi"],
        "bytecode": out["bytecode"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with the committed JSON instead of writing it")
    args = parser.parse_args()
    compiled = compile_source()
    if args.check:
        committed = json.loads(ARTIFACT.read_text())
        if committed != compiled:
            print(f"{ARTIFACT.name} is stale: run {Path(__file__).name} to regenerate it", file=sys.stderr)
            return 1
        print(f"{ARTIFACT.name} matches {SOURCE.name}")
        return 0
    ARTIFACT.write_text(json.dumps(compiled, indent=2) + "\n")
    print(f"wrote {ARTIFACT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
