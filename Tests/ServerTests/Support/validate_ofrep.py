#!/usr/bin/env python3
"""Validates recorded OFREP responses against the OFREP OpenAPI specification.

Usage: validate_ofrep.py EXCHANGES.json [--spec PATH]

EXCHANGES.json is a list of {"operation", "status", "contentType", "body", "label"}:
`operation` is an operationId of the specification (evaluateFlag, evaluateFlagsBulk), `body`
the response body as text; or `sseEvent`, whose body is one event of the event stream as a
JSON object of its fields (`id`, `event`, `data`), checked against the schema `sseEvent`, its
`data` parsed and checked against `sseEventData`. Each body is checked against the schema the specification gives
for that operation and status (JSON Schema Draft 2020-12, every $ref resolved inside the
document); a status the operation does not list, a content type it does not list, a body that
is not JSON, and a body for a status without content other than empty are failures too.

The specification is $TENANTRY_OFREP_SPEC if set, else the copy beside this script
(ofrep-openapi.yaml: open-feature/protocol's service/openapi.yaml at commit d1a63a4, Apache
License 2.0, unedited), so a clean clone checks against it wherever it is cloned. When the
reference copy ../shared/specs/ofrep-openapi.yaml exists beside the repository, the two must be
identical (exit 2 otherwise): the copy never drifts from the specification Tenantry implements.
A missing specification is an error (exit 2), never a skip.

One correction is applied to the in-memory copy, and announced on stdout. In OFREP 0.3,
evaluationSuccess requires exactly one (`oneOf`) of booleanFlag, stringFlag, integerFlag,
floatFlag, objectFlag and codeDefaultFlag; but codeDefaultFlag (`type: object`, no required
property) matches every response, and an integer value matches both integerFlag and floatFlag
(JSON numbers do not say integer or float). As written, the schema therefore refuses every
response with a boolean, string, number or object value, and lets a value of any other type
(null, an array) through as a "code default". The correction keeps the evident intent:
codeDefaultFlag means "no value" (`not: required: [value]`) and the value alternatives are
`anyOf`. A value of another JSON type is then refused, as the specification means it to be.

Exit status: 0 all conform, 1 some do not (each printed), 2 the check could not run.
"""

import argparse
import copy
import json
import os
import pathlib
import sys

try:
    import yaml
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
except ImportError as missing:  # pragma: no cover - a set-up problem, not a test result
    print(f"validate_ofrep.py: missing Python package ({missing}); run `make python-tools`", file=sys.stderr)
    sys.exit(2)

SPEC_URI = "urn:ofrep:openapi"


def locate_spec(explicit):
    if explicit:
        return pathlib.Path(explicit)
    if os.environ.get("TENANTRY_OFREP_SPEC"):
        return pathlib.Path(os.environ["TENANTRY_OFREP_SPEC"])
    return pathlib.Path(__file__).resolve().parent / "ofrep-openapi.yaml"


def reference_copy():
    """The shared reference copy beside the repository, if this checkout has one."""
    repository = pathlib.Path(__file__).resolve().parents[3]
    return repository.parent / "shared" / "specs" / "ofrep-openapi.yaml"


def corrected(spec):
    """The specification with evaluationSuccess's value alternatives made checkable (see above)."""
    spec = copy.deepcopy(spec)
    schemas = spec["components"]["schemas"]
    notes = []
    code_default = schemas.get("codeDefaultFlag", {})
    if "not" not in code_default:
        code_default["not"] = {"required": ["value"]}
        notes.append("codeDefaultFlag: a response without a value")
    for part in schemas.get("evaluationSuccess", {}).get("allOf", []):
        alternatives = part.get("oneOf")
        if alternatives and any(ref.get("$ref", "").endswith("/codeDefaultFlag") for ref in alternatives):
            part["anyOf"] = part.pop("oneOf")
            notes.append("evaluationSuccess value alternatives: anyOf (an integer is also a number)")
    return spec, notes


def operations(spec):
    found = {}
    for path, methods in spec.get("paths", {}).items():
        for method, operation in methods.items():
            if isinstance(operation, dict) and "operationId" in operation:
                found[operation["operationId"]] = (method.upper(), path, operation)
    return found


def check_sse_event(exchange, registry):
    label = f'{exchange.get("label", "")} (sseEvent)'
    try:
        event = json.loads(exchange.get("body", ""))
        data = json.loads(event.get("data", ""))
    except (ValueError, AttributeError) as error:
        return [f"{label}: the event or its data is not JSON ({error}): {exchange.get('body', '')[:200]!r}"]
    failures = []
    for schema_name, instance in (("sseEvent", event), ("sseEventData", data)):
        validator = Draft202012Validator({"$ref": SPEC_URI + "#/components/schemas/" + schema_name}, registry=registry)
        failures += [
            f"{label}: {schema_name} {'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message[:300]}"
            for error in validator.iter_errors(instance)
        ]
    return failures


def check(exchange, operations_by_id, registry):
    if exchange["operation"] == "sseEvent":
        return check_sse_event(exchange, registry)
    label = f'{exchange.get("label", "")} ({exchange["operation"]} {exchange["status"]})'
    if exchange["operation"] not in operations_by_id:
        return [f"{label}: the specification has no operation {exchange['operation']}"]
    _, path, operation = operations_by_id[exchange["operation"]]
    responses = operation.get("responses", {})
    response = responses.get(str(exchange["status"]))
    if response is None:
        return [f"{label}: {path} lists no status {exchange['status']} (it lists {', '.join(responses)})"]
    content = response.get("content")
    body = exchange.get("body", "")
    if not content:
        if exchange["status"] == 304 and body:
            return [f"{label}: 304 Not Modified must have no body, got {body[:200]!r}"]
        return []
    media_type = (exchange.get("contentType") or "").split(";")[0].strip().lower()
    if media_type not in content:
        return [f"{label}: content type {media_type!r} is not one of {', '.join(content)}"]
    try:
        instance = json.loads(body)
    except ValueError as error:
        return [f"{label}: body is not JSON ({error}): {body[:200]!r}"]
    schema = {"$ref": SPEC_URI + "#" + ref_pointer(content[media_type]["schema"])}
    validator = Draft202012Validator(schema, registry=registry)
    return [
        f"{label}: {'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message[:300]} — body {body[:300]}"
        for error in validator.iter_errors(instance)
    ]


def ref_pointer(schema):
    """A JSON pointer to the response schema (responses always $ref a component here)."""
    reference = schema.get("$ref")
    if reference and reference.startswith("#"):
        return reference[1:]
    raise ValueError(f"response schema is not a local $ref: {schema}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("exchanges")
    parser.add_argument("--spec")
    arguments = parser.parse_args()

    spec_path = locate_spec(arguments.spec)
    if not spec_path.is_file():
        print(f"validate_ofrep.py: no OFREP specification at {spec_path} (set TENANTRY_OFREP_SPEC)", file=sys.stderr)
        return 2
    reference = reference_copy()
    if reference.is_file() and reference.read_bytes() != spec_path.read_bytes():
        print(f"validate_ofrep.py: {spec_path} differs from the reference copy {reference}; copy it again", file=sys.stderr)
        return 2
    spec, notes = corrected(yaml.safe_load(spec_path.read_text(encoding="utf-8")))
    for note in notes:
        print(f"correction applied: {note}")
    registry = Registry().with_resource(SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT202012))
    by_id = operations(spec)

    exchanges = json.loads(pathlib.Path(arguments.exchanges).read_text(encoding="utf-8"))
    failures = [failure for exchange in exchanges for failure in check(exchange, by_id, registry)]
    for failure in failures:
        print(f"FAIL {failure}")
    if failures:
        print(f"{len(failures)} failures in {len(exchanges)} responses")
        return 1
    print(f"{len(exchanges)} responses conform to {spec_path.name} {spec.get('info', {}).get('version', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
