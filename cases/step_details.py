"""What an arrival step carries, recorded on its ``StepEvent.detail``: bags claimed (how many,
their claim tags, missing bags with the airline's property irregularity report), the hospital
and who went along, where the person was met, why they need rebooking. ``check_detail`` cleans
a tap's detail or refuses it naming the field (nothing is recorded then); ``describe_detail``
says it in a few words for the tablet, the case page and the notices."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cases.steps import ArrivalStep
from poe_ops.refusals import Refusal

Step = ArrivalStep

# Steps whose tap opens a small form: the detail cannot be guessed.
NEEDS_DETAIL = frozenset({Step.BAGS_CLAIMED, Step.HOSPITAL})
MEETING_POINTS = {"gate": "at the gate", "hall": "in the arrivals hall"}
MAX_BAGS = 40
# An IATA bag tag: 10 digits, or the airline's two-character code and six digits.
BAG_TAG = re.compile(r"^(\d{10}|[A-Z0-9]{2}\d{6})$")
# A property irregularity report (lost bag): station, airline, five digits — e.g. ATLDL12345.
PIR = re.compile(r"^[A-Z]{3}[A-Z0-9]{2}\d{5}$")


def _count(raw: Any, label: str, field: str, most: int) -> int:
    text = str(raw if raw is not None else "").strip()
    if not text.isdigit() or int(text) > most:
        raise Refusal(f"{label}: a whole number from 0 to {most}.", code="bad_detail", field=field)
    return int(text)


def _text(raw: Any, label: str, field: str, longest: int, required: bool) -> str:
    text = " ".join(str(raw or "").split())
    if required and not text:
        raise Refusal(f"{label}: this is needed.", code="bad_detail", field=field)
    if len(text) > longest:
        raise Refusal(f"{label}: at most {longest} characters.", code="bad_detail", field=field)
    return text


def _tags(raw: Any) -> list[str]:
    items = raw if isinstance(raw, list) else re.split(r"[\s,;]+", str(raw or ""))
    tags = [str(item).strip().upper() for item in items if str(item).strip()]
    bad = [tag for tag in tags if not BAG_TAG.match(tag)]
    if bad:
        raise Refusal(
            f"Claim tags: {', '.join(bad[:3])} {'is' if len(bad) == 1 else 'are'} not a bag tag "
            "number (10 digits, or the airline code and 6 digits, e.g. DL123456).",
            code="bad_detail",
            field="tags",
        )
    if len(tags) > MAX_BAGS:
        raise Refusal(f"Claim tags: at most {MAX_BAGS}.", code="bad_detail", field="tags")
    return tags


def check_detail(step: str, raw: Mapping[str, Any] | None) -> dict[str, Any]:
    """The detail ``step`` carries, cleaned; refused (naming the field) when it is missing or
    malformed. Steps without details take none."""
    raw = raw or {}
    if step == Step.BAGS_CLAIMED:
        bags = _count(raw.get("bags"), "Bags claimed", "bags", MAX_BAGS)
        tags = _tags(raw.get("tags"))
        missing = _count(raw.get("missing") or 0, "Bags missing", "missing", MAX_BAGS)
        pir = "".join(str(raw.get("pir") or "").split()).upper()
        if missing and not pir:
            raise Refusal(
                "Lost-bag report: give the airline's property irregularity report number "
                "(e.g. ATLDL12345) for the missing bags.",
                code="bad_detail",
                field="pir",
            )
        if pir and not PIR.match(pir):
            raise Refusal(
                f"Lost-bag report: “{pir}” is not a report number; it is the airport, the "
                "airline and five digits, e.g. ATLDL12345.",
                code="bad_detail",
                field="pir",
            )
        if pir and not missing:
            raise Refusal(
                "Bags missing: say how many bags the report is for.",
                code="bad_detail",
                field="missing",
            )
        if len(tags) > bags + missing:
            raise Refusal(
                f"Claim tags: {len(tags)} tags for {bags + missing} bags; check the count.",
                code="bad_detail",
                field="tags",
            )
        detail: dict[str, Any] = {"bags": bags}
        if tags:
            detail["tags"] = tags
        if missing:
            detail.update(missing=missing, pir=pir)
        return detail
    if step == Step.HOSPITAL:
        detail = {"hospital": _text(raw.get("hospital"), "Hospital", "hospital", 120, True)}
        with_them = _text(raw.get("accompanied_by"), "Accompanied by", "accompanied_by", 120, False)
        if with_them:
            detail["accompanied_by"] = with_them
        return detail
    if step == Step.MET:
        where = str(raw.get("where") or "hall")
        if where not in MEETING_POINTS:
            raise Refusal("Met: at the gate or in the arrivals hall.", code="bad_detail")
        return {"where": where}
    if step == Step.NEEDS_REBOOKING:
        reason = _text(raw.get("reason"), "Reason", "reason", 200, False)
        return {"reason": reason} if reason else {}
    if any(value not in (None, "", [], 0) for value in raw.values()):
        raise Refusal(f"{Step(step).label} takes no details.", code="bad_detail")
    return {}


def describe_detail(step: str, detail: Mapping[str, Any] | None) -> str:
    """A step's detail in a few words, as the case page and the notices show it."""
    if not detail:
        return ""
    if step == Step.BAGS_CLAIMED:
        bags = int(detail.get("bags", 0))
        words = [f"{bags} bag{'s' if bags != 1 else ''}"]
        if detail.get("tags"):
            words.append("tags " + ", ".join(str(t) for t in detail["tags"]))
        if detail.get("missing"):
            words.append(f"{int(detail['missing'])} missing, report {detail.get('pir', '')}")
        return " · ".join(words)
    if step == Step.HOSPITAL:
        text = str(detail.get("hospital", ""))
        if detail.get("accompanied_by"):
            text += f" · with {detail['accompanied_by']}"
        return text
    if step == Step.MET:
        return MEETING_POINTS.get(str(detail.get("where")), "")
    if step == Step.NEEDS_REBOOKING:
        return str(detail.get("reason", ""))
    return ""
