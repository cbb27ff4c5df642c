"""Builds a Kustomize overlay the way `kubectl kustomize` does for the features Tenantry's
overlays use (resources, namePrefix, labels with selectors, images, configMapGenerator with
behavior merge, secretGenerator from env files), then validates every resulting object against
the Kubernetes schemas with kubernetes-validate (strict: unknown fields are errors).

usage: render_kustomize.py OVERLAY_DIR [KUBERNETES_VERSION]
Prints the rendered objects as JSON lines; exits 1 naming each invalid object.
"""
import base64
import copy
import json
import os
import sys

import kubernetes_validate
import yaml


def load_documents(path):
    with open(path, encoding="utf-8") as handle:
        return [document for document in yaml.safe_load_all(handle) if document]


def build(directory):
    with open(os.path.join(directory, "kustomization.yaml"), encoding="utf-8") as handle:
        kustomization = yaml.safe_load(handle)
    objects = []
    for resource in kustomization.get("resources", []):
        path = os.path.normpath(os.path.join(directory, resource))
        if os.path.isdir(path):
            objects += build(path)
        else:
            objects += load_documents(path)
    for generator in kustomization.get("configMapGenerator", []):
        data = {}
        for literal in generator.get("literals", []):
            name, _, value = literal.partition("=")
            data[name] = value
        merge_or_add(objects, "ConfigMap", generator["name"], generator.get("behavior", "create"), {"data": data})
    for generator in kustomization.get("secretGenerator", []):
        data = {}
        for env_file in generator.get("envs", []):
            with open(os.path.join(directory, env_file), encoding="utf-8") as handle:
                for line in handle.read().splitlines():
                    if line and not line.startswith("#"):
                        name, _, value = line.partition("=")
                        data[name] = base64.b64encode(value.encode()).decode()
        merge_or_add(objects, "Secret", generator["name"], generator.get("behavior", "create"), {"data": data, "type": "Opaque"})
    for entry in kustomization.get("labels", []):
        for obj in objects:
            apply_labels(obj, entry["pairs"], entry.get("includeSelectors", False))
    for image in kustomization.get("images", []):
        for obj in objects:
            for container in containers(obj):
                base, _, _ = container["image"].partition(":")
                if base == image["name"]:
                    container["image"] = image.get("newName", base) + ":" + str(image["newTag"])
    prefix = kustomization.get("namePrefix", "")
    if prefix:
        names = {(obj["kind"], obj["metadata"]["name"]) for obj in objects}
        for obj in objects:
            obj["metadata"]["name"] = prefix + obj["metadata"]["name"]
            for container in containers(obj):
                for source in container.get("envFrom", []):
                    for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                        if key in source and (kind, source[key]["name"]) in names:
                            source[key]["name"] = prefix + source[key]["name"]
    return objects


def merge_or_add(objects, kind, name, behavior, content):
    for obj in objects:
        if obj["kind"] == kind and obj["metadata"]["name"] == name:
            if behavior != "merge":
                raise SystemExit(f"{kind} {name} exists and behavior is {behavior}, not merge")
            obj.setdefault("data", {}).update(content["data"])
            return
    objects.append({"apiVersion": "v1", "kind": kind, "metadata": {"name": name}, **copy.deepcopy(content)})


def containers(obj):
    spec = obj.get("spec", {})
    template = spec.get("template", {}).get("spec", {})
    return template.get("containers", []) + template.get("initContainers", [])


def apply_labels(obj, pairs, include_selectors):
    obj["metadata"].setdefault("labels", {}).update(pairs)
    spec = obj.get("spec")
    if not include_selectors or spec is None:
        return
    if obj["kind"] == "Service":
        spec.setdefault("selector", {}).update(pairs)
    if obj["kind"] in ("Deployment", "StatefulSet", "DaemonSet"):
        spec.setdefault("selector", {}).setdefault("matchLabels", {}).update(pairs)
    if "template" in spec:
        spec["template"].setdefault("metadata", {}).setdefault("labels", {}).update(pairs)


def main():
    directory = sys.argv[1]
    version = sys.argv[2] if len(sys.argv) > 2 else "1.30.0"
    failures = []
    objects = build(directory)
    for obj in objects:
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except Exception as error:  # noqa: BLE001 - every failure is reported with its object
            failures.append(f"{obj.get('kind')} {obj.get('metadata', {}).get('name')}: {error}")
        print(json.dumps(obj, sort_keys=True))
    if failures:
        print("\n".join(failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
