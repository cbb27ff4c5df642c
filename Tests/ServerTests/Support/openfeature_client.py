#!/usr/bin/env python3
"""Evaluates flags through the OpenFeature Python SDK with its OFREP provider, unchanged.

Usage: openfeature_client.py --base-url URL --api-key KEY --evaluations JSON

JSON is a list of {"type": "boolean|string|integer|float|object", "key": ..., "default": ...,
"context": {...}?}. Prints one JSON list with, for each, the SDK's evaluation details:
key, value, valueType, variant, reason, errorCode, errorMessage, metadata. The server tests assert on it.
"""

import argparse
import json
import sys

from openfeature import api
from openfeature.contrib.provider.ofrep import OFREPProvider
from openfeature.evaluation_context import EvaluationContext


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--evaluations", required=True)
    arguments = parser.parse_args()

    provider = OFREPProvider(
        base_url=arguments.base_url,
        headers_factory=lambda: {"Authorization": f"Bearer {arguments.api_key}"},
    )
    api.set_provider_and_wait(provider)
    client = api.get_client("tenantry-server-tests")

    evaluate = {
        "boolean": client.get_boolean_details,
        "string": client.get_string_details,
        "integer": client.get_integer_details,
        "float": client.get_float_details,
        "object": client.get_object_details,
    }
    results = []
    for request in json.loads(arguments.evaluations):
        context = request.get("context") or {}
        evaluation_context = EvaluationContext(
            targeting_key=context.pop("targetingKey", None), attributes=context
        )
        details = evaluate[request["type"]](request["key"], request["default"], evaluation_context)
        results.append({
            "key": details.flag_key,
            "value": details.value,
            # The type the application gets (a float flag must give a float, not an int).
            "valueType": type(details.value).__name__,
            "variant": details.variant,
            # Reason and ErrorCode are StrEnums: str() is the protocol's name.
            "reason": str(details.reason) if details.reason else None,
            "errorCode": str(details.error_code) if details.error_code else None,
            "errorMessage": details.error_message,
            "metadata": dict(details.flag_metadata or {}),
        })
    api.shutdown()
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
