"""The guideline packs in force: every rule with its category, severity and origin."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fastapi import APIRouter, Request
from fastapi.responses import Response

from firewarden.web.app import web_of
from firewarden.web.deps import PageRead
from firewarden.web.render import page

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class RuleRow:
    id: str
    category: str
    severity: str
    language: str
    status: str
    origin: str


@cache
def rule_rows(paths: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[RuleRow, ...]]:
    """(pack names, rules) as ``firewarden guidelines list`` shows them; loaded once."""
    from pathlib import Path

    from firewarden.guidelines.loader import load_layered

    layered = load_layered([Path(p) for p in paths])
    g = layered.guidelines
    rows = []
    for rule in g.rules:
        sev = g.severity_of(rule.id, rule.severity)
        severity = sev.label if sev == rule.severity else f"{sev.label} (was {rule.severity.label})"
        rows.append(
            RuleRow(
                rule.id,
                rule.category,
                severity,
                "any" if len(rule.languages) > 1 else rule.languages[0],
                "active" if g.is_enabled(rule.id) else "disabled",
                f"{rule.origin} ({rule.source}:{rule.line})",
            )
        )
    for old, new in layered.replaced:
        rows.append(
            RuleRow(
                old.id,
                old.category,
                old.severity.label,
                "-",
                f"replaced by {new.origin}",
                f"{old.origin} ({old.source}:{old.line})",
            )
        )
    packs = tuple(f"{p.name}: {p.file} ({len(p.rules)} rules)" for p in layered.packs)
    return packs, tuple(rows)


@router.get("/guidelines")
def guidelines(request: Request, me: PageRead, q: str = "") -> Response:
    paths = tuple(str(p) for p in web_of(request).config.guideline_packs)
    packs, rows = rule_rows(paths)
    needle = q.strip().lower()
    shown = [r for r in rows if not needle or needle in f"{r.id} {r.category}".lower()]
    return page(
        request,
        "guidelines.html",
        me,
        active="guidelines",
        packs=packs,
        rules=shown,
        q=q,
        total=len(rows),
    )
