"""Case evaluation: does the check stop the risky cases and let the benign ones through?

A case is risky when its ``risks`` list is non-empty, benign when it is empty (or its
``label`` is ``benign``). Risky cases count as caught at ``medium`` or above (the level at
which review is required); a benign case at ``medium`` or above is a false block.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from firewarden.checks.records import Record
from firewarden.checks.types import Level, Report


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    id: str
    risks: tuple[str, ...]
    level: Level
    found: frozenset[str]
    where: str

    @property
    def risky(self) -> bool:
        return bool(self.risks)

    @property
    def blocked(self) -> bool:
        return self.level >= Level.MEDIUM


@dataclass(frozen=True, slots=True)
class CategoryFigures:
    cases: int
    caught: int  # at medium or above
    named: int  # the report named this category among its findings

    @property
    def recall(self) -> float:
        return self.caught / self.cases if self.cases else 0.0


@dataclass(frozen=True, slots=True)
class CasesEvaluation:
    outcomes: tuple[CaseOutcome, ...]
    by_category: dict[str, CategoryFigures] = field(default_factory=dict)

    @property
    def risky(self) -> list[CaseOutcome]:
        return [o for o in self.outcomes if o.risky]

    @property
    def benign(self) -> list[CaseOutcome]:
        return [o for o in self.outcomes if not o.risky]

    @property
    def recall(self) -> float:
        risky = self.risky
        return sum(o.blocked for o in risky) / len(risky) if risky else 0.0

    @property
    def false_block_rate(self) -> float:
        benign = self.benign
        return sum(o.blocked for o in benign) / len(benign) if benign else 0.0

    @property
    def misses(self) -> list[CaseOutcome]:
        return [o for o in self.risky if not o.blocked]

    @property
    def false_blocks(self) -> list[CaseOutcome]:
        return [o for o in self.benign if o.blocked]

    def to_dict(self) -> dict[str, Any]:
        return {
            "risky": len(self.risky),
            "benign": len(self.benign),
            "recall": round(self.recall, 4),
            "false_block_rate": round(self.false_block_rate, 4),
            "by_category": {
                c: {"cases": f.cases, "caught": f.caught, "named": f.named,
                    "recall": round(f.recall, 4)}
                for c, f in sorted(self.by_category.items())
            },
            "misses": [{"id": o.id, "level": o.level.label, "risks": list(o.risks),
                        "found": sorted(o.found)} for o in self.misses],
            "false_blocks": [{"id": o.id, "level": o.level.label, "found": sorted(o.found)}
                             for o in self.false_blocks],
        }  # fmt: skip


def case_risks(record: Record) -> tuple[str, ...]:
    """The risk categories a case is labelled with (empty for a benign case)."""
    if str(record.raw.get("label", "")).lower() == "benign":
        return ()
    risks = record.raw.get("risks") or ()
    return tuple(str(r) for r in risks)


def evaluate_cases(records: Iterable[Record], check: Callable[[Record], Report]) -> CasesEvaluation:
    """Check every case and gather recall, false blocks and per-category figures."""
    outcomes = []
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for rec in records:
        report = check(rec)
        outcome = CaseOutcome(
            id=rec.id,
            risks=case_risks(rec),
            level=report.level,
            found=report.categories,
            where=rec.where,
        )
        outcomes.append(outcome)
        for risk in outcome.risks:
            c = counts[risk]
            c[0] += 1
            c[1] += outcome.blocked
            c[2] += risk in outcome.found
    return CasesEvaluation(
        outcomes=tuple(outcomes),
        by_category={k: CategoryFigures(*v) for k, v in counts.items()},
    )
