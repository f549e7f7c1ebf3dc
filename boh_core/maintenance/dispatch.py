"""Choosing the technician for a repair request: qualified first, then the least loaded.

A technician is qualified when they hold every skill the request needs. Among qualified
technicians the one with the lightest weighted open load wins, ties broken by the smaller
id so that the same input always gives the same answer. Load is weighted by priority: an
urgent open request weighs more than a low one (``priority_weights``).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from boh_core.errors import BohError, msg


@dataclass(frozen=True)
class Technician:
    """A technician as dispatch sees them.

    ``open_load`` is either ``{priority: number of open requests}`` or one number that is
    already weighted.
    """

    id: Hashable
    skills: frozenset[str] = field(default_factory=frozenset)
    open_load: Mapping[str, float] | float = 0.0


@dataclass(frozen=True)
class DispatchRequest:
    """A request waiting for a technician: its id, the skills it needs and its priority."""

    id: Hashable
    required_skills: frozenset[str]
    priority: str


def _number(value: object, field_name: str, owner: object) -> float:
    """Accept a finite number of 0 or more, else raise naming the technician."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BohError(
            field_name,
            value,
            msg(
                "maintenance.dispatch.finite_number",
                field_name=field_name,
                value=value,
                owner=owner,
            ),
        )
    if value < 0:
        raise BohError(
            field_name,
            value,
            msg("maintenance.dispatch.negative", field_name=field_name, value=value, owner=owner),
        )
    return float(value)


def _weight(priority: str, priority_weights: Mapping[str, float]) -> float:
    if priority not in priority_weights:
        raise BohError(
            "priority",
            priority,
            msg(
                "maintenance.dispatch.priority.has_weight_known",
                priority=priority,
                map=", ".join(map(str, priority_weights)),
            ),
        )
    return _number(priority_weights[priority], "priority weight", priority)


def weighted_load(technician: Technician, priority_weights: Mapping[str, float]) -> float:
    """The technician's open load with each open request counted at its priority's weight."""
    load = technician.open_load
    if isinstance(load, Mapping):
        return sum(
            _number(count, "open load", technician.id) * _weight(priority, priority_weights)
            for priority, count in load.items()
        )
    return _number(load, "open load", technician.id)


def _skills(value: Iterable[str] | str) -> frozenset[str]:
    # A bare string would otherwise be read as a set of single letters.
    if isinstance(value, str):
        return frozenset((value,))
    return frozenset(value)


def _pick(
    required: frozenset[str], loads: Mapping[Hashable, float], skills: Mapping[Hashable, frozenset]
) -> Hashable | None:
    qualified = [tech_id for tech_id, held in skills.items() if required <= held]
    if not qualified:
        return None
    return min(qualified, key=lambda tech_id: (loads[tech_id], tech_id))


def _index(technicians: Sequence[Technician]) -> dict[Hashable, frozenset]:
    skills: dict[Hashable, frozenset] = {}
    for tech in technicians:
        if tech.id in skills:
            raise BohError(
                "technicians",
                tech.id,
                msg("maintenance.dispatch.technicians.technician_listed_twice", id=tech.id),
            )
        skills[tech.id] = _skills(tech.skills)
    return skills


def choose_technician(
    required_skills: Iterable[str] | str,
    technicians: Sequence[Technician],
    priority_weights: Mapping[str, float],
) -> Hashable | None:
    """Return the id of the least loaded technician holding all ``required_skills``, or None.

    Ties on load go to the smallest id (ids must be mutually comparable). None means that
    nobody is qualified, and the request should wait for the team leader.
    """
    required = _skills(required_skills)
    skills = _index(technicians)
    loads = {tech.id: weighted_load(tech, priority_weights) for tech in technicians}
    return _pick(required, loads, skills)


def assign_batch(
    requests: Sequence[DispatchRequest],
    technicians: Sequence[Technician],
    priority_weights: Mapping[str, float],
) -> dict[Hashable, Hashable | None]:
    """Assign many requests at once, adding each assignment to the chosen technician's load.

    Requests are taken in decreasing priority weight (input order among equals), so that
    urgent work gets the lightest technicians first. Returns ``{request id: technician id
    or None}`` in input order.
    """
    skills = _index(technicians)
    loads = {tech.id: weighted_load(tech, priority_weights) for tech in technicians}
    weights = [_weight(request.priority, priority_weights) for request in requests]
    seen: set[Hashable] = set()
    for request in requests:
        if request.id in seen:
            raise BohError(
                "requests",
                request.id,
                msg("maintenance.dispatch.requests.request_listed_twice", id=request.id),
            )
        seen.add(request.id)
    # sorted() is stable, so requests of equal weight keep their input order.
    order = sorted(range(len(requests)), key=lambda i: -weights[i])
    chosen: dict[Hashable, Hashable | None] = {}
    for i in order:
        request = requests[i]
        tech_id = _pick(_skills(request.required_skills), loads, skills)
        if tech_id is not None:
            loads[tech_id] += weights[i]
        chosen[request.id] = tech_id
    return {request.id: chosen[request.id] for request in requests}
