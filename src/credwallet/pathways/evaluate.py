"""Progress of held credentials against a pathway: an exact assignment, then the tree's figures.

What counts. A valid credential counts; an expired one only on a node with
``allow = ["expired"]`` (and only when expiry is its sole failure); revoked, forged or otherwise
invalid ones never count; indeterminate and unverified ones are *pending*: they count only
towards ``progress_pending``. Copies of one achievement count once (the best copy is kept).

Exclusivity. One credential fills at most one node of the pathway, among the leaves and credit
pools that are not ``shared = true``. ``completed_by`` matches and shared nodes look at every
credential without taking it from anyone.

The search. Credentials that are interchangeable (the same eligible nodes at the same level and
the same credit value) form one class; a depth-first search distributes each class over its
nodes, maximising (verified progress, pending progress) of the goal lexicographically. It is
exact: it only skips branches that cannot beat the best found (an upper bound that lets every
remaining credential fill every node at once) and branches that leave a credential unused while
a node it fits still has room (progress never falls when a node gets more, so some optimum uses
no such branch). Its limits, a :class:`SearchBudget`: at most :data:`MAX_SEARCH_STEPS` visited
branches, at most :data:`MAX_SEARCH_WORK` units of work (every node scored, state remembered and
share enumerated counts, so a wide pathway cannot spend unbounded time or memory within one step)
and a wall-clock deadline. Beyond them evaluation raises
:class:`~credwallet.errors.LimitExceeded` ("too complex to evaluate") rather than answer inexactly.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Any

from credwallet.errors import LimitExceeded
from credwallet.models import CheckStatus, ReportStatus
from credwallet.pathways.model import GOAL_KEY, HeldCredential, Match, Node, NodeKind, Pathway

__all__ = [
    "EXPIRING_WITHIN",
    "MAX_SEARCH_SECONDS",
    "MAX_SEARCH_STEPS",
    "MAX_SEARCH_WORK",
    "ExpiringCredential",
    "NodeProgress",
    "PathwayProgress",
    "SearchBudget",
    "evaluate",
    "matches",
    "never_counts",
]

MAX_SEARCH_STEPS = 200_000
MAX_SEARCH_WORK = 2_000_000  # units: a few seconds of search at most, and as many state entries
MAX_SEARCH_SECONDS = 5.0
_CLOCK_EVERY = 20_000  # work units between two looks at the clock
EXPIRING_WITHIN = timedelta(days=90)
_DONE = 1.0 - 1e-9  # progress is a float: "complete at 1" tolerates rounding


class _State(Enum):
    VALID = 0
    PENDING = 1
    EXPIRED = 2  # invalid only because it expired, everything else passed
    EXPIRED_PENDING = 3  # expired, and some other check could not be completed
    DEAD = 4  # revoked, forged, or invalid for any other reason


class _Level(Enum):
    VERIFIED = 0
    PENDING = 1


@dataclass(frozen=True)
class _Candidate:
    held: HeldCredential
    state: _State
    earned: datetime | None
    expires: datetime | None
    credits: float | None

    def level(self, node: Node) -> _Level | None:
        if self.state is _State.VALID or (self.state is _State.EXPIRED and node.allow_expired):
            return _Level.VERIFIED
        if self.state is _State.PENDING or (
            self.state is _State.EXPIRED_PENDING and node.allow_expired
        ):
            return _Level.PENDING
        return None


@dataclass(frozen=True)
class ExpiringCredential:
    """A counted credential whose validity ends within :data:`EXPIRING_WITHIN`."""

    wallet_id: str
    name: str
    valid_until: datetime

    def to_json(self) -> dict[str, str]:
        return {
            "wallet_id": self.wallet_id,
            "name": self.name,
            "valid_until": self.valid_until.isoformat().replace("+00:00", "Z"),
        }


@dataclass(frozen=True)
class NodeProgress:
    """One node's figures under the chosen assignment."""

    key: str
    name: str
    kind: NodeKind
    progress: float
    progress_pending: float
    note: str | None = None
    credentials: tuple[str, ...] = ()  # wallet ids counted as verified
    pending_credentials: tuple[str, ...] = ()  # wallet ids counted only as pending
    expired_credentials: tuple[str, ...] = ()  # counted because the node allows expired ones
    completed_by: str | None = None  # the wallet id of a credential that completes the node
    children: tuple[NodeProgress, ...] = ()
    count: int | None = None  # leaf: distinct credentials needed; at-least: parts needed
    matched: int | None = None  # leaf: verified credentials counted
    credit_sum: float | None = None  # credits: verified sum
    credit_sum_pending: float | None = None
    credit_min: float | None = None
    unit: str | None = None
    ticked: bool | None = None  # manual: the holder said it is done

    @property
    def complete(self) -> bool:
        return self.progress >= _DONE

    @property
    def complete_pending(self) -> bool:
        return self.progress_pending >= _DONE

    @property
    def state(self) -> str:
        """earned (complete), pending (pending credentials or ticks would add), or missing."""
        if self.complete:
            return "earned"
        return "pending" if self.progress_pending > self.progress else "missing"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": self.key,
            "name": self.name,
            "kind": str(self.kind),
            "progress": round(self.progress, 4),
            "progress_pending": round(self.progress_pending, 4),
            "complete": self.complete,
            "state": self.state,
            "credentials": list(self.credentials),
            "pending_credentials": list(self.pending_credentials),
        }
        if self.note is not None:
            out["note"] = self.note
        if self.expired_credentials:
            out["expired_credentials"] = list(self.expired_credentials)
        if self.completed_by is not None:
            out["completed_by"] = self.completed_by
        optional = {
            "count": self.count,
            "matched": self.matched,
            "credit_sum": self.credit_sum,
            "credit_sum_pending": self.credit_sum_pending,
            "credit_min": self.credit_min,
            "unit": self.unit,
            "ticked": self.ticked,
        }
        out.update({k: v for k, v in optional.items() if v is not None})
        if self.children:
            out["children"] = [c.to_json() for c in self.children]
        return out


@dataclass(frozen=True)
class PathwayProgress:
    """A pathway's progress, what is missing and what to do next."""

    id: str
    name: str
    root: NodeProgress
    missing: tuple[str, ...]
    next: tuple[str, ...]
    expiring: tuple[ExpiringCredential, ...] = ()
    search_steps: int = field(default=0, compare=False)

    @property
    def progress(self) -> float:
        return self.root.progress

    @property
    def progress_pending(self) -> float:
        return self.root.progress_pending

    @property
    def complete(self) -> bool:
        return self.root.complete

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "progress": round(self.progress, 4),
            "progress_pending": round(self.progress_pending, 4),
            "complete": self.complete,
            "components": [self.root.to_json()],
            "missing": list(self.missing),
            "next": list(self.next),
            "expiring": [e.to_json() for e in self.expiring],
        }


# -- classifying and matching credentials ------------------------------------------------


def _utc(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _classify(held: HeldCredential, now: datetime) -> _State:
    cred = held.credential
    expired_now = cred.valid_until is not None and _utc(cred.valid_until) <= now
    if held.status is ReportStatus.VALID:
        return _State.EXPIRED if expired_now else _State.VALID
    if held.status in (ReportStatus.INDETERMINATE, ReportStatus.UNVERIFIED):
        return _State.EXPIRED_PENDING if expired_now else _State.PENDING
    # Invalid: only "invalid because expired" can still count (on nodes that allow it).
    report = held.report
    if report is None:
        return _State.DEAD
    required = [c for c in report.checks if c.required]
    validity = [c for c in required if c.name == "validity"]
    others = [c for c in required if c.name != "validity"]
    if not validity or validity[0].status is not CheckStatus.FAIL:
        return _State.DEAD
    if any(c.status is CheckStatus.FAIL for c in others):
        return _State.DEAD
    if any(c.status is CheckStatus.UNKNOWN for c in others):
        return _State.EXPIRED_PENDING
    return _State.EXPIRED


def _fold(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def _subtract(now: datetime, within: str) -> datetime:
    amount, unit = int(within[:-1]), within[-1]
    if unit == "d":
        return now - timedelta(days=amount)
    if unit == "w":
        return now - timedelta(weeks=amount)
    months = amount * (12 if unit == "y" else 1)
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    month += 1
    # Clamp the day: 31 March minus one month is the last day of February.
    for day in range(now.day, 27, -1):
        try:
            return now.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return now.replace(year=year, month=month, day=min(now.day, 28))


def matches(match: Match, held: HeldCredential, *, now: datetime) -> bool:
    """Whether one match table holds for a credential (every key given must hold)."""
    cred = held.credential
    ach = cred.achievement
    if match.achievement is not None:
        ids = {cred.credential_id} if ach is None else {ach.id, *ach.related}
        if match.achievement not in ids:
            return False
    if match.name is not None:
        wanted = _fold(match.name)
        names = {_fold(cred.name), _fold(ach.name if ach else None)}
        if wanted not in names:
            return False
    if match.issuer is not None and match.issuer != cred.issuer.id:
        by_name = bool(cred.issuer.name) and _fold(match.issuer) == _fold(cred.issuer.name)
        if not by_name:
            return False
    if match.tag is not None and _fold(match.tag) not in {_fold(t) for t in held.tags}:
        return False
    if match.alignment is not None and not any(
        match.alignment in (a.target_code, a.target_url) for a in cred.alignments
    ):
        return False
    if match.framework is not None:
        wanted = _fold(match.framework)
        if not any(wanted == _fold(a.target_framework) for a in cred.alignments):
            return False
    if match.type is not None and _fold(match.type) != _fold(ach.achievement_type if ach else None):
        return False
    if match.has_time_window:
        earned = _earned(held)
        if earned is None:
            return False
        if match.earned_after is not None and earned < _utc(match.earned_after):
            return False
        if match.earned_before is not None and earned >= _utc(match.earned_before):
            return False
        if match.earned_within is not None and earned < _subtract(now, match.earned_within):
            return False
    return True


def _matches_any(tables: Sequence[Match], held: HeldCredential, now: datetime) -> bool:
    return any(matches(m, held, now=now) for m in tables)


def _earned(held: HeldCredential) -> datetime | None:
    when = held.credential.issued or held.credential.valid_from
    return _utc(when) if when is not None else None


def _identity(held: HeldCredential) -> tuple[str, ...]:
    cred = held.credential
    if cred.achievement is not None and cred.achievement.id:
        return ("id", cred.achievement.id)
    issuer = cred.issuer.id or _fold(cred.issuer.name)
    if issuer or cred.achievement is not None:
        return ("named", issuer, _fold(cred.display_name))
    return ("wallet", held.wallet_id)


def _candidates(held: Sequence[HeldCredential], now: datetime) -> list[_Candidate]:
    """One candidate per achievement: the best copy (verified, then newest, then by id)."""
    best: dict[tuple[str, ...], _Candidate] = {}
    for item in held:
        cred = item.credential
        credits = cred.credits_earned
        if credits is None and cred.achievement is not None:
            credits = cred.achievement.credits_available
        cand = _Candidate(
            held=item,
            state=_classify(item, now),
            earned=_earned(item),
            expires=_utc(cred.valid_until) if cred.valid_until else None,
            credits=credits if credits is not None and credits > 0 else None,
        )
        key = _identity(item)
        if key not in best or _rank(cand) < _rank(best[key]):
            best[key] = cand
    return sorted(best.values(), key=lambda c: c.held.wallet_id)


def _rank(cand: _Candidate) -> tuple[int, float, str]:
    earned = cand.earned.timestamp() if cand.earned else float("-inf")
    return (cand.state.value, -earned, cand.held.wallet_id)


# -- the tree's figures ------------------------------------------------------------------


@dataclass
class _Fill:
    """What one leaf or credit pool holds under an assignment."""

    verified: list[_Candidate] = field(default_factory=list)
    pending: list[_Candidate] = field(default_factory=list)


@dataclass(frozen=True)
class _Context:
    pathway: Pathway
    nodes: Mapping[str, Node]  # reachable from the goal, by key
    completed: Mapping[str, tuple[_Level, _Candidate]]  # node key -> best completed_by holder
    ticks: frozenset[str]


def _leaf_or_pool(node: Node, v: float, p: float) -> tuple[float, float]:
    """Progress of a leaf (counts) or a pool (sums) holding v verified and p pending."""
    target = float(node.count) if node.kind is NodeKind.LEAF else node.min
    return min(1.0, v / target), min(1.0, (v + p) / target)


def _combine(node: Node, parts: Sequence[float]) -> float:
    if node.kind is NodeKind.ALL:
        return sum(parts) / len(parts)
    if node.kind is NodeKind.ANY:
        return max(parts)
    best = sorted(parts, reverse=True)[: node.count]
    return sum(best) / node.count


def _score(
    ctx: _Context, amounts: Mapping[str, tuple[float, float]], key: str = GOAL_KEY
) -> tuple[float, float]:
    """(verified, pending) progress of a node, given each leaf/pool's (verified, pending) amount."""
    node = ctx.nodes[key]
    done = ctx.completed.get(key)
    if node.kind in (NodeKind.LEAF, NodeKind.CREDITS):
        v, p = _leaf_or_pool(node, *amounts.get(key, (0.0, 0.0)))
    elif node.kind is NodeKind.MANUAL:
        v, p = 0.0, (1.0 if key in ctx.ticks else 0.0)
    else:
        scores = [_score(ctx, amounts, child) for child in node.of]
        v = _combine(node, [s[0] for s in scores])
        p = _combine(node, [s[1] for s in scores])
    if done is not None:
        p = 1.0
        if done[0] is _Level.VERIFIED:
            v = 1.0
    return v, p


def _amount(node: Node, cands: Sequence[_Candidate]) -> float:
    if node.kind is NodeKind.LEAF:
        return float(len(cands))
    return sum(c.credits or 0.0 for c in cands)


# -- the exact search --------------------------------------------------------------------


@dataclass(frozen=True)
class _Class:
    members: tuple[_Candidate, ...]
    level: _Level
    options: tuple[int, ...]  # consumer indexes
    value: float  # credit value (the same for every member); 0 when no pool is an option


@dataclass(frozen=True)
class SearchBudget:
    """How much one evaluation may spend: work units and wall-clock seconds.

    ``clock`` (monotonic seconds) is a parameter so that tests can make time pass exactly.
    """

    max_work: int = MAX_SEARCH_WORK
    seconds: float = MAX_SEARCH_SECONDS
    clock: Callable[[], float] = time.monotonic


class _Search:
    def __init__(
        self,
        ctx: _Context,
        consumers: list[Node],
        classes: list[_Class],
        fixed: Mapping[str, tuple[float, float]],
        budget: SearchBudget,
    ) -> None:
        self.ctx = ctx
        self.budget = budget
        self.work = 0
        self.next_clock = _CLOCK_EVERY
        self.deadline = budget.clock() + budget.seconds
        self.fixed = fixed  # amounts of the shared nodes, which take part in no competition
        self.consumers = consumers
        self.classes = classes
        n = len(consumers)
        self.held_v = [0.0] * n
        self.held_p = [0.0] * n
        self.used = [0] * n  # leaf slots used / pool credentials used
        self.plan: list[list[int]] = [[0] * n for _ in classes]
        self.best_score = (-1.0, -1.0)
        self.best_plan: list[list[int]] = [row[:] for row in self.plan]
        self.steps = 0
        # States already explored: the best completion from (class index, what each consumer
        # holds) does not depend on how it was reached, so a second visit cannot add anything.
        self.seen: set[tuple[int, tuple[int, ...], tuple[float, ...], tuple[float, ...]]] = set()
        # Suffix sums for the optimistic bound: what classes i.. could add to each consumer.
        self.suffix_v = [[0.0] * n for _ in range(len(classes) + 1)]
        self.suffix_p = [[0.0] * n for _ in range(len(classes) + 1)]
        for i in range(len(classes) - 1, -1, -1):
            self.suffix_v[i] = self.suffix_v[i + 1][:]
            self.suffix_p[i] = self.suffix_p[i + 1][:]
            cls = classes[i]
            for j in cls.options:
                gain = self._gain(j, cls, len(cls.members))
                target = self.suffix_v if cls.level is _Level.VERIFIED else self.suffix_p
                target[i][j] += gain

    def _gain(self, j: int, cls: _Class, amount: int) -> float:
        return float(amount) if self.consumers[j].kind is NodeKind.LEAF else cls.value * amount

    def _amounts(
        self, extra_v: list[float], extra_p: list[float]
    ) -> dict[str, tuple[float, float]]:
        amounts = dict(self.fixed)
        for j, node in enumerate(self.consumers):
            amounts[node.key] = (self.held_v[j] + extra_v[j], self.held_p[j] + extra_p[j])
        return amounts

    def _cap(self, j: int, cls: _Class) -> int:
        node = self.consumers[j]
        if node.kind is NodeKind.LEAF:
            return max(0, node.count - self.used[j])
        missing = node.min - self.held_v[j] - self.held_p[j]
        return max(0, math.ceil(missing / cls.value - 1e-9)) if missing > 1e-9 else 0

    def run(self) -> tuple[list[list[int]], int]:
        self._visit(0)
        return self.best_plan, self.steps

    def _too_complex(self, why: str) -> LimitExceeded:
        return LimitExceeded(
            f"pathway {self.ctx.pathway.id!r} is too complex to evaluate ({why}): "
            "make its matches narrower or split it"
        )

    def _charge(self, units: int) -> None:
        """Count work; past the budget or the deadline the search stops."""
        self.work += units
        if self.work > self.budget.max_work:
            raise self._too_complex(f"more than {self.budget.max_work} units of work")
        if self.work >= self.next_clock:
            self.next_clock = self.work + _CLOCK_EVERY
            if self.budget.clock() > self.deadline:
                raise self._too_complex(f"more than {self.budget.seconds:g} seconds")

    def _visit(self, i: int) -> None:
        self.steps += 1
        if self.steps > MAX_SEARCH_STEPS:
            raise self._too_complex(f"more than {MAX_SEARCH_STEPS} search steps")
        # The state key and the amounts touch every consumer; the two scores every node, at
        # several times the cost (a unit is roughly the cost of one state entry).
        self._charge(3 * len(self.consumers) + 8 * len(self.ctx.nodes))
        state = (i, tuple(self.used), tuple(self.held_v), tuple(self.held_p))
        if state in self.seen:
            return
        self.seen.add(state)
        zero = [0.0] * len(self.consumers)
        if i == len(self.classes):
            score = _score(self.ctx, self._amounts(zero, zero))
            if score > self.best_score:
                self.best_score = score
                self.best_plan = [row[:] for row in self.plan]
            return
        bound = _score(self.ctx, self._amounts(self.suffix_v[i], self.suffix_p[i]))
        if bound <= self.best_score:
            return
        cls = self.classes[i]
        for split in self._splits(cls, 0, len(cls.members)):
            self._apply(i, cls, split, +1)
            self._visit(i + 1)
            self._apply(i, cls, split, -1)

    def _splits(self, cls: _Class, k: int, left: int) -> Iterator[list[int]]:
        """Ways to share ``left`` members over options k..; leftovers only when all are full."""
        if k == len(cls.options):
            yield []
            return
        self._charge(len(cls.options) - k)  # the room left in the later options
        top = min(self._cap(cls.options[k], cls), left)
        later = sum(self._cap(o, cls) for o in cls.options[k + 1 :])
        for x in range(top, -1, -1):
            if x < top and later < left - x:
                break  # a member would stay unused while this option still has room
            for rest in self._splits(cls, k + 1, left - x):
                yield [x, *rest]

    def _take(self, j: int, cls: _Class, x: int, sign: int) -> None:
        gain = self._gain(j, cls, x) * sign
        if cls.level is _Level.VERIFIED:
            self.held_v[j] += gain
        else:
            self.held_p[j] += gain
        self.used[j] += x * sign

    def _apply(self, i: int, cls: _Class, split: list[int], sign: int) -> None:
        self._charge(len(cls.options))
        for k, j in enumerate(cls.options):
            self._take(j, cls, split[k], sign)
            self.plan[i][j] += split[k] * sign


# -- evaluation --------------------------------------------------------------------------


def _reachable(pathway: Pathway) -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    stack = [pathway.goal]
    while stack:
        node = stack.pop()
        if node.key in nodes:
            continue
        nodes[node.key] = node
        stack.extend(pathway.components[k] for k in node.of)
    return nodes


def evaluate(
    pathway: Pathway,
    held: Sequence[HeldCredential],
    *,
    now: datetime,
    ticks: frozenset[str] = frozenset(),
    budget: SearchBudget | None = None,
) -> PathwayProgress:
    """Progress of ``held`` towards ``pathway`` at ``now``; ``ticks`` are manual steps done.

    LimitExceeded when the assignment search would pass ``budget`` (the default one if None).
    """
    now = _utc(now)
    cands = _candidates(held, now)
    nodes = _reachable(pathway)

    completed: dict[str, tuple[_Level, _Candidate]] = {}
    for node in nodes.values():
        if not node.completed_by:
            continue
        for cand in cands:
            level = cand.level(node)
            if level is None or not _matches_any(node.completed_by, cand.held, now):
                continue
            if node.key not in completed or level.value < completed[node.key][0].value:
                completed[node.key] = (level, cand)
    ctx = _Context(pathway, nodes, completed, frozenset(ticks))

    def eligible(node: Node) -> list[tuple[_Candidate, _Level]]:
        tables = node.match if node.kind is NodeKind.LEAF else node.credits_from
        out = []
        for cand in cands:
            level = cand.level(node)
            if level is None or (node.kind is NodeKind.CREDITS and cand.credits is None):
                continue
            if _matches_any(tables, cand.held, now):
                out.append((cand, level))
        return out

    fills: dict[str, _Fill] = {}
    consumers: list[Node] = []
    groups: dict[tuple[_Level, float, tuple[int, ...]], list[_Candidate]] = {}
    options: dict[str, list[int]] = {}  # candidate wallet id -> consumer indexes
    levels: dict[str, _Level] = {}
    for node in nodes.values():
        if node.kind not in (NodeKind.LEAF, NodeKind.CREDITS):
            continue
        if node.shared:
            fills[node.key] = _shared_fill(node, eligible(node))
            continue
        j = len(consumers)
        consumers.append(node)
        for cand, level in eligible(node):
            options.setdefault(cand.held.wallet_id, []).append(j)
            levels[cand.held.wallet_id] = level
    by_id = {c.held.wallet_id: c for c in cands}
    for wallet_id, opts in options.items():
        cand = by_id[wallet_id]
        has_pool = any(consumers[j].kind is NodeKind.CREDITS for j in opts)
        value = (cand.credits or 0.0) if has_pool else 0.0
        groups.setdefault((levels[wallet_id], value, tuple(opts)), []).append(cand)
    # Verified classes first, so pending ones only take room the verified ones left; within a
    # level, the classes with the fewest options first (forced choices tighten the bound early).
    classes = [
        _Class(members=tuple(_display_order(members)), level=level, options=opts, value=value)
        for (level, value, opts), members in sorted(
            groups.items(), key=lambda kv: (kv[0][0].value, len(kv[0][2]), -kv[0][1], kv[0][2])
        )
    ]
    shared_amounts = {
        key: (_amount(nodes[key], f.verified), _amount(nodes[key], f.pending))
        for key, f in fills.items()
    }
    search = _Search(ctx, consumers, classes, shared_amounts, budget or SearchBudget())
    plan, steps = search.run()
    for node in consumers:
        fills[node.key] = _Fill()
    for i, cls in enumerate(classes):
        taken = 0
        for j in cls.options:
            share = list(cls.members[taken : taken + plan[i][j]])
            taken += plan[i][j]
            target = fills[consumers[j].key]
            (target.verified if cls.level is _Level.VERIFIED else target.pending).extend(share)

    amounts = {
        key: (_amount(ctx.nodes[key], f.verified), _amount(ctx.nodes[key], f.pending))
        for key, f in fills.items()
    }
    root = _build(ctx, fills, amounts, GOAL_KEY)
    counted = _counted(root, by_id)
    horizon = now + EXPIRING_WITHIN
    expiring = tuple(
        ExpiringCredential(c.held.wallet_id, c.held.credential.display_name, c.expires)
        for c in counted
        if c.expires is not None and now < c.expires <= horizon
    )
    return PathwayProgress(
        id=pathway.id,
        name=pathway.name,
        root=root,
        missing=tuple(_missing(root)),
        next=tuple(_next_steps(ctx, root)),
        expiring=expiring,
        search_steps=steps,
    )


def _display_order(members: list[_Candidate]) -> list[_Candidate]:
    # Members of one class are interchangeable for progress; hand out the longest-lasting first
    # so that fewer of the counted ones show up as expiring.
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(members, key=lambda c: (-(c.expires or far).timestamp(), c.held.wallet_id))


def _shared_fill(node: Node, eligible: list[tuple[_Candidate, _Level]]) -> _Fill:
    fill = _Fill()
    for cand, level in eligible:
        (fill.verified if level is _Level.VERIFIED else fill.pending).append(cand)
    if node.kind is NodeKind.LEAF:  # more than `count` adds nothing: show the ones counted
        fill.verified = fill.verified[: node.count]
        fill.pending = fill.pending[: max(0, node.count - len(fill.verified))]
    return fill


def _build(
    ctx: _Context,
    fills: Mapping[str, _Fill],
    amounts: Mapping[str, tuple[float, float]],
    key: str,
) -> NodeProgress:
    node = ctx.nodes[key]
    v, p = _score(ctx, amounts, key)
    done = ctx.completed.get(key)
    base: dict[str, Any] = {
        "key": key,
        "name": node.name or (ctx.pathway.name if key == GOAL_KEY else key),
        "kind": node.kind,
        "progress": v,
        "progress_pending": p,
        "note": node.note,
        "completed_by": done[1].held.wallet_id if done else None,
    }
    fill = fills.get(key)
    if fill is not None:
        base["credentials"] = tuple(c.held.wallet_id for c in fill.verified)
        base["pending_credentials"] = tuple(c.held.wallet_id for c in fill.pending)
        base["expired_credentials"] = tuple(
            c.held.wallet_id for c in fill.verified if c.state is _State.EXPIRED
        )
    if node.kind is NodeKind.LEAF:
        base["count"] = node.count
        base["matched"] = len(fill.verified) if fill else 0
    elif node.kind is NodeKind.CREDITS:
        verified_sum, pending_sum = amounts.get(key, (0.0, 0.0))
        base["credit_sum"] = float(verified_sum)
        base["credit_sum_pending"] = float(verified_sum + pending_sum)
        base["credit_min"] = node.min
        base["unit"] = ctx.pathway.unit
    elif node.kind is NodeKind.MANUAL:
        base["ticked"] = key in ctx.ticks
    else:
        if node.kind is NodeKind.AT_LEAST:
            base["count"] = node.count
        base["children"] = tuple(_build(ctx, fills, amounts, child) for child in node.of)
    return NodeProgress(**base)


def _counted(root: NodeProgress, by_id: Mapping[str, _Candidate]) -> list[_Candidate]:
    seen: dict[str, _Candidate] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        ids = [*node.credentials, *([node.completed_by] if node.completed_by else [])]
        for wallet_id in ids:
            cand = by_id.get(wallet_id)
            if cand is not None and cand.state is _State.VALID:
                seen.setdefault(wallet_id, cand)
        stack.extend(node.children)
    return sorted(seen.values(), key=lambda c: c.expires or datetime.max.replace(tzinfo=UTC))


def _missing(root: NodeProgress) -> list[str]:
    """Names of the leaves, pools and manual steps still needed (pending ones are not)."""
    out: list[str] = []

    def walk(node: NodeProgress) -> None:
        if node.complete_pending:
            return
        if node.children:
            for child in node.children:
                walk(child)
        elif node.name not in out:
            out.append(node.name)

    walk(root)
    return out


def _next_steps(ctx: _Context, root: NodeProgress) -> list[str]:
    """The fewest steps that complete the goal (counting pending as done), in `after` order."""

    def plan(node: NodeProgress) -> tuple[float, list[NodeProgress]]:
        if node.complete_pending:
            return 0.0, []
        if not node.children:
            if node.kind is NodeKind.LEAF and node.count is not None:
                have = len(node.credentials) + len(node.pending_credentials)
                return float(node.count - have), [node]
            return 1.0, [node]
        parts = [plan(child) for child in node.children]
        if node.kind is NodeKind.ANY:
            return min(parts, key=lambda part: part[0])
        if node.kind is NodeKind.AT_LEAST and node.count is not None:
            parts = sorted(parts, key=lambda part: part[0])[: node.count]
        steps: list[NodeProgress] = []
        for _, chosen in parts:
            steps.extend(s for s in chosen if s.key not in {x.key for x in steps})
        return sum(part[0] for part in parts), steps

    _, chosen = plan(root)
    order = _after_order(ctx, root, chosen)
    return [_describe(ctx, node) for node in order]


def _after_order(
    ctx: _Context, root: NodeProgress, chosen: list[NodeProgress]
) -> list[NodeProgress]:
    """Sort steps so that a step comes after the steps under the nodes its `after` names."""
    ancestors: dict[str, set[str]] = {}  # step key -> keys of the node and its ancestors
    under: dict[str, set[str]] = {}  # node key -> step keys somewhere beneath it (or itself)
    keys = {s.key for s in chosen}

    def walk(node: NodeProgress, path: tuple[str, ...]) -> set[str]:
        here = {node.key} & keys
        if node.key in keys:
            ancestors.setdefault(node.key, set()).update((*path, node.key))
        for child in node.children:
            here |= walk(child, (*path, node.key))
        under.setdefault(node.key, set()).update(here)
        return here

    walk(root, ())
    deps: dict[str, set[str]] = {}
    for step in chosen:
        needed: set[str] = set()
        for holder in ancestors.get(step.key, {step.key}):
            node = ctx.nodes.get(holder)
            for first in node.after if node else ():
                needed |= under.get(first, set())
        deps[step.key] = needed - {step.key}
    done: list[NodeProgress] = []
    remaining = list(chosen)
    while remaining:
        placed = {s.key for s in done}
        ready = next((s for s in remaining if deps[s.key] <= placed), None)
        if ready is None:  # an `after` cycle: it is advisory, keep the tree's order
            ready = remaining[0]
        done.append(ready)
        remaining.remove(ready)
    return done


def _describe(ctx: _Context, node: NodeProgress) -> str:
    if node.kind is NodeKind.MANUAL:
        return f"{node.name} (a manual step: tick it when done)"
    if node.kind is NodeKind.CREDITS and node.credit_min is not None:
        short = node.credit_min - (node.credit_sum_pending or 0.0)
        return f"{node.name}: {short:g} more {ctx.pathway.unit or 'credits'}"
    if node.count is not None and node.count > 1:
        have = len(node.credentials) + len(node.pending_credentials)
        return f"{node.name} ({node.count - have} more)"
    return node.name


def never_counts(held: HeldCredential) -> bool:
    """Whether a credential can never count towards a pathway (revoked, forged, invalid)."""
    return _classify(held, datetime.max.replace(tzinfo=UTC)) is _State.DEAD
