#!/usr/bin/env python3
"""Prints the operations of an OpenAPI document as JSON, after checking the document.

Usage: openapi_operations.py DOCUMENT.yaml

Output: {"operations": [["GET", "/healthz"], ...], "validated": true|false}. The document is
checked with openapi-spec-validator (OpenAPI 3.1 rules) when that package is installed;
`validated` says whether it was. Exit status: 0 fine, 1 the document is invalid, 2 the check
could not run.
"""

import json
import pathlib
import sys

try:
    import yaml
except ImportError as missing:  # pragma: no cover - a set-up problem, not a test result
    print(f"openapi_operations.py: missing Python package ({missing}); run `make python-tools`", file=sys.stderr)
    sys.exit(2)

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    document = yaml.safe_load(pathlib.Path(sys.argv[1]).read_text(encoding="utf-8"))
    validated = False
    try:
        from openapi_spec_validator import validate
    except ImportError:
        validate = None
    if validate is not None:
        try:
            validate(document)
        except Exception as error:  # the validator's own error types vary by version
            print(f"invalid OpenAPI document: {error}", file=sys.stderr)
            return 1
        validated = True
    operations = sorted(
        [method.upper(), path]
        for path, item in document.get("paths", {}).items()
        for method in item
        if method in METHODS
    )
    print(json.dumps({"operations": operations, "validated": validated}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
