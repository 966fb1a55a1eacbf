"""Human-readable rendering of a report: the draft with findings highlighted, then each reason."""

from __future__ import annotations

from firewarden.checks.types import Finding, Report, Severity

_COLOR = {
    Severity.INFO: "\x1b[2m",
    Severity.LOW: "\x1b[36m",
    Severity.MEDIUM: "\x1b[33m",
    Severity.HIGH: "\x1b[31m",
    Severity.CRITICAL: "\x1b[1;41;97m",
}
_RESET = "\x1b[0m"


def highlight(text: str, findings: list[Finding], *, color: bool) -> str:
    """Mark each finding's span in ``text``: colour on a terminal, ``[[...]]`` otherwise."""
    # Informational notes are listed below the draft but not marked in it.
    spans = sorted(
        {(f.start, f.end, f.severity) for f in findings if f.end > f.start and f.severity}
    )
    out: list[str] = []
    pos = 0
    for start, end, sev in spans:
        if start < pos:  # overlapping spans: the earlier mark already covers this one
            continue
        out.append(text[pos:start])
        piece = text[start:end]
        out.append(f"{_COLOR[sev]}{piece}{_RESET}" if color else f"[[{piece}]]")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def render_report(text: str, attachment: str, report: Report, *, color: bool = False) -> str:
    head = f"level: {report.level.label.upper()}  score: {report.score:.2f}"
    if report.needs_review:
        head += "  (needs review before publishing)"
    lines = [head, ""]
    in_text = [f for f in report.findings if f.field == "text"]
    in_attachment = [f for f in report.findings if f.field == "attachment"]
    if text:
        lines.append("  " + highlight(text, in_text, color=color).replace("\n", "\n  "))
    if attachment:
        lines.append("  attachment: " + highlight(attachment, in_attachment, color=color))
    lines.append("")
    if not report.findings:
        lines.append("No findings.")
    for f in report.findings:
        sev = f.severity.label.upper()
        tag = f"{_COLOR[f.severity]}{sev}{_RESET}" if color else sev
        where = f' "{f.excerpt}"' if f.excerpt else ""
        field = " (attachment)" if f.field == "attachment" else ""
        lines.append(f"- {tag} {f.category}{where}{field}")
        lines.append(f"    why: {f.message}")
        if f.suggestion:
            lines.append(f"    instead: {f.suggestion}")
        if f.evidence:
            lines.append(f"    driven by: {', '.join(f.evidence)}")
        ref = f.rule_id + (f" from {f.origin}" if f.origin else "")
        if f.references:
            ref += "; see " + ", ".join(f.references)
        lines.append(f"    rule: {ref}")
    for f in report.suppressed:
        lines.append(f'- allowed by your guidelines: "{f.excerpt}" ({f.rule_id})')
    return "\n".join(lines)
