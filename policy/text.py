"""The plain text of a policy body: what a version stores, diffs and hashes."""

from __future__ import annotations

import hashlib

from django.utils.html import strip_tags
from django.utils.text import normalize_newlines


def _rich(value) -> str:
    html = str(getattr(value, "source", value) or "")
    for tag in ("</p>", "</li>", "<br>", "<br/>", "</h3>"):
        html = html.replace(tag, tag + "\n")
    lines = [" ".join(line.split()) for line in strip_tags(html).splitlines()]
    return "\n".join(line for line in lines if line)


def body_text(body) -> str:
    """One line per sentence-ish unit, stable across renders, so diffs read well."""
    out: list[str] = []
    for block in body:
        value = block.value
        kind = block.block_type
        if kind == "section":
            out += [f"## {value['heading']}", _rich(value["text"])]
        elif kind == "do_dont":
            if value.get("title"):
                out.append(f"## {value['title']}")
            out += [f"+ {item}" for item in value["dos"]]
            out += [f"- {item}" for item in value["donts"]]
        elif kind == "example_post":
            out += [
                f"> [{value['network']}] {value['author']}: {' '.join(value['text'].split())}",
                f"= {value['verdict']}: {value['reason']}",
            ]
        elif kind == "disclosure":
            out += [f"## {value['title']}", f"[{value['required_text']}]", _rich(value["explanation"])]
        elif kind == "escalation":
            out.append(f"## {value['title']}")
            out += [
                " · ".join(
                    p
                    for p in (c["name"], c["role"], c.get("email") or "", c.get("phone") or "", c.get("when") or "")
                    if p
                )
                for c in value["contacts"]
            ]
    return normalize_newlines("\n".join(part for part in out if part)).strip() + "\n"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
