#!/usr/bin/env python3
"""Docs/cli.md's command reference, generated from the commands themselves.

The binary describes its commands as JSON (swift-argument-parser's `--experimental-dump-help`,
the same ToolInfo its generate-manual and generate-docc-reference plugins read); this turns
that into Markdown below the marker line of Docs/cli.md, keeping the hand-written header above
it (exit codes, the admin API, what help cannot say).

    .ci/cli_reference.py [--binary .build/debug/tenantry] [--doc Docs/cli.md]          # rewrite
    .ci/cli_reference.py --check                                                      # exit 1 when stale

`make cli-reference` rewrites; `make test` runs --check after the build.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

MARKER = "<!-- generated: everything below comes from the commands' help (make cli-reference); do not edit it here -->"


def names(argument):
    """`--plan <plan>`, `-f, --follow`, `<name>`."""
    value = argument.get("valueName") or "value"
    if argument["kind"] == "positional":
        text = f"<{value}>"
        return text + " …" if argument.get("isRepeating") else text
    spelled = []
    for name in argument.get("names") or []:
        prefix = "--" if name["kind"] == "long" else "-"
        spelled.append(prefix + name["name"])
    text = ", ".join(spelled)
    if argument["kind"] == "option":
        text += f" <{value}>"
    return text


def usage_part(argument):
    preferred = argument.get("preferredName") or (argument.get("names") or [None])[0]
    if argument["kind"] == "positional":
        text = f"<{argument.get('valueName') or 'value'}>"
        if argument.get("isRepeating"):
            text += " …"
    else:
        prefix = "--" if preferred["kind"] == "long" else "-"
        text = prefix + preferred["name"]
        if argument["kind"] == "option":
            text += f" <{argument.get('valueName') or 'value'}>"
            if argument.get("isRepeating"):
                text += " …"
    return f"[{text}]" if argument.get("isOptional") else text


def visible_arguments(command):
    hidden = {"help", "version", "experimental-dump-help"}
    result = []
    for argument in command.get("arguments") or []:
        if not argument.get("shouldDisplay", True):
            continue
        if any(name["name"] in hidden for name in argument.get("names") or []):
            continue
        result.append(argument)
    return result


def discussion(text):
    """Prose stays prose; indented lines (the examples) become a shell block."""
    out, block = [], []

    def flush():
        if block:
            out.append("```sh")
            out.extend(line.strip() for line in block)
            out.append("```")
            out.append("")
            block.clear()

    paragraph = []
    for line in text.splitlines():
        if line.startswith((" ", "\t")) and line.strip():
            if paragraph:
                out.append(" ".join(paragraph))
                out.append("")
                paragraph = []
            block.append(line)
        elif not line.strip():
            flush()
            if paragraph:
                out.append(" ".join(paragraph))
                out.append("")
                paragraph = []
        else:
            flush()
            if line.rstrip().endswith(":") and paragraph:
                out.append(" ".join(paragraph))
                out.append("")
                paragraph = []
            paragraph.append(line.strip())
    flush()
    if paragraph:
        out.append(" ".join(paragraph))
        out.append("")
    return out


def cell(text):
    return " ".join((text or "").split()).replace("|", "\\|")


COMMON_AT_LEAST = 5  # an argument described alike on this many commands is listed once, up front


def argument_row(argument):
    meaning = cell(argument.get("abstract"))
    if argument.get("discussion"):
        meaning += " " + cell(argument["discussion"])
    if argument.get("defaultValue") not in (None, ""):
        meaning += f" (default: `{cell(argument['defaultValue'])}`)"
    return f"| `{cell(names(argument))}` | {meaning.strip()} |"


def all_commands(command):
    yield command
    for sub in command.get("subcommands") or []:
        if sub.get("shouldDisplay", True) and sub["commandName"] != "help":
            yield from all_commands(sub)


def common_rows(root):
    counts = {}
    for command in all_commands(root):
        for argument in visible_arguments(command):
            row = argument_row(argument)
            counts[row] = counts.get(row, 0) + 1
    return [row for row, count in counts.items() if count >= COMMON_AT_LEAST]


def render(command, path, depth, out, common=()):
    full = " ".join(path)
    out.append(f"{'#' * min(depth, 4)} `{full}`")
    out.append("")
    if command.get("abstract"):
        out.append(command["abstract"].strip())
        out.append("")
    subcommands = [c for c in command.get("subcommands") or [] if c.get("shouldDisplay", True) and c["commandName"] != "help"]
    arguments = visible_arguments(command)
    if arguments or not subcommands:
        usage = " ".join([full] + [usage_part(a) for a in arguments])
        out.append("```")
        out.append(usage)
        out.append("```")
        out.append("")
    if command.get("discussion"):
        out.extend(discussion(command["discussion"]))
    rows = [row for row in map(argument_row, arguments) if row not in common]
    if rows:
        out.append("| argument | meaning |")
        out.append("| --- | --- |")
        out.extend(rows)
        out.append("")
    if subcommands:
        out.append("Subcommands: " + ", ".join(f"`{c['commandName']}`" for c in subcommands) + ".")
        out.append("")
        for sub in subcommands:
            render(sub, path + [sub["commandName"]], depth + 1, out, common)


def reference(tool):
    root = tool["command"]
    out = [MARKER, ""]
    common = common_rows(root)
    if common:
        out += ["Arguments many commands share, described once here (each command's usage line shows which it takes):", ""]
        out += ["| argument | meaning |", "| --- | --- |"] + common + [""]
    render(root, [root["commandName"]], 2, out, set(common))
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def main():
    repo = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=str(repo / ".build/debug/tenantry"))
    parser.add_argument("--doc", default=str(repo / "Docs/cli.md"))
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed reference is stale")
    options = parser.parse_args()

    dump = subprocess.run([options.binary, "--experimental-dump-help"], check=True, capture_output=True, text=True)
    generated = reference(json.loads(dump.stdout))
    doc = Path(options.doc)
    current = doc.read_text()
    if MARKER not in current:
        sys.exit(f"{doc}: the marker line is missing; the hand-written header must end with:\n{MARKER}")
    header = current[: current.index(MARKER)]
    wanted = header + generated
    if options.check:
        if current != wanted:
            sys.exit(f"{doc} is stale: the commands' help changed. Run `make cli-reference` and commit the result.")
        print(f"{doc}: up to date")
        return
    if current != wanted:
        doc.write_text(wanted)
        print(f"wrote {doc}")
    else:
        print(f"{doc}: unchanged")


if __name__ == "__main__":
    main()
