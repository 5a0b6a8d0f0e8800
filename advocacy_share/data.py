"""What the advocacy layer hands to the layer above (``lms.home``) and to its own templates:
frozen dataclasses, no models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class SharingState:
    """Whether a user may use advocacy now, and whether they may share.

    ``allowed``: the advocacy pages open (a valid certificate, the policy acknowledged when the
    programme asks, and the programme open to them). ``may_share``: allowed and sharing not
    paused by the crisis switch. Otherwise ``reason`` says why: the certification gate's
    reasons (``no_certificate``, ``expired``, ``revoked``, ``policy_reacknowledgement``),
    ``not_in_pilot`` or ``paused``; ``next_step_url`` where one exists."""

    allowed: bool
    may_share: bool
    reason: str = ""
    next_step_url: str = ""
    certificate_expires_at: datetime | None = None
    opens_to_all_on: date | None = None
    hr_contact: str = ""
    paused: bool = False
    pause_message: str = ""


# --- points, badges and leaderboards ----------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    """A milestone reached: its code (``first_share``, ``three_networks``, ``hundred_clicks``,
    ``renewed_on_time``) and its label in the current language."""

    code: str
    label: str


@dataclass(frozen=True)
class LeaderboardRow:
    """One visible person on a leaderboard: rank among visible people (ties share a rank),
    display name (never the email), points of the period, badges; ``is_viewer`` for oneself."""

    rank: int
    name: str
    points: int
    badges: tuple[Badge, ...] = ()
    is_viewer: bool = False


@dataclass(frozen=True)
class ViewerStanding:
    """The viewer's own place, always shown to them. ``visible``: they opted in (others see
    them). ``rank``: 1 + the number of visible people with more points than the viewer in
    this period and scope — their rank when visible, the place they would take if they were
    (shown to them alone) when opted out. ``in_top``: their row is among the rows shown."""

    rank: int
    points: int
    visible: bool
    in_top: bool
    badges: tuple[Badge, ...] = ()
    # When the rank comes from the last roll-up rather than the live top rows: when it ran.
    ranked_at: datetime | None = None


@dataclass(frozen=True)
class Leaderboard:
    period: str
    scope: str
    period_start: date
    rows: tuple[LeaderboardRow, ...]
    viewer: ViewerStanding
    department_name: str = ""


@dataclass(frozen=True)
class AdvocacyCard:
    """What /me/ shows about advocacy: whether the user may open /advocacy/, their points
    (all time, this month), badges, and their preferences (leaderboard opt-in, off by
    default; the audience sizes they chose to declare per network)."""

    allowed: bool
    points_all_time: int
    points_this_month: int
    badges: tuple[Badge, ...]
    leaderboard_opt_in: bool
    audience: tuple[tuple[str, str, int | None], ...]
    has_shared: bool = False


@dataclass(frozen=True)
class MixSuggestion:
    """An industry item offered to balance an employee's mix (feed, "Balance your mix")."""

    content_id: int
    title: str
    summary: str
    url: str


@dataclass(frozen=True)
class MixNudge:
    """An employee's share of company content over the last ``days`` days against the
    programme's target (at most ``target_percent`` % company content).

    Counted: their shares of library items (status shared or reminded), one per network shared
    on; their own posts are left out of the ratio (they are neither company nor industry
    content from the library). ``percent`` is ``None`` when there is no share yet.
    ``suggestions``: up to three industry items they have not shared, when above target."""

    days: int
    total: int
    company: int
    target_percent: int
    percent: int | None = None
    above_target: bool = False
    suggestions: tuple[MixSuggestion, ...] = ()


@dataclass(frozen=True)
class SharedSummary:
    """What an employee already did with one library item: the networks they shared it on
    (shares shared or reminded) and the qualified clicks on those shares' links."""

    networks: tuple[str, ...]
    clicks: int


# --- HR overview ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyCount:
    """A figure of one week: the week's Monday (in the site's time zone) and the count."""

    week_start: date
    count: int


@dataclass(frozen=True)
class DepartmentAdvocacy:
    """Advocacy in one group of people: a department with at least the minimum number of
    certified people, or "Other" (``department_id`` None) for the smaller ones and people
    without a department. ``hidden``: the group is itself below the minimum, so its figures
    are withheld (``sharers`` and ``shares`` are then 0)."""

    department_id: int | None
    department_name: str
    certified: int
    sharers: int
    shares: int
    hidden: bool

    @property
    def participation(self) -> int | None:
        """Active sharers divided by certified people, in whole percent."""
        if self.hidden or not self.certified:
            return None
        return round(self.sharers * 100 / self.certified)


@dataclass(frozen=True)
class AdvocacyOverview:
    """The advocacy part of the HR overview: shares per week (oldest first, the current week
    last) and, by department, active sharers over the last ``recent_weeks`` weeks; departments
    with fewer than ``minimum_group`` certified people are merged into "Other"."""

    weekly_shares: tuple[WeeklyCount, ...]
    departments: tuple[DepartmentAdvocacy, ...]
    recent_weeks: int
    minimum_group: int


# --- the advocacy dashboard (/advocacy/analytics/) ---------------------------------------------


@dataclass(frozen=True)
class WeekActivity:
    """One week of the period: its Monday, posts (library shares and own posts), library
    shares per network (in ``AdvocacyDashboard.network_labels``' order) and qualified clicks."""

    week: date
    posts: int
    shares_by_network: tuple[int, ...]
    qualified_clicks: int


@dataclass(frozen=True)
class RankedItem:
    """A row of a top list: a content item, a campaign or an opted-in advocate."""

    label: str
    shares: int
    qualified_clicks: int = 0


@dataclass(frozen=True)
class DepartmentActivity:
    """A department's active advocates and posts; ``other`` merges the groups too small to
    show on their own (and people with no department)."""

    label: str
    active_advocates: int
    posts: int
    other: bool = False


@dataclass(frozen=True)
class NetworkValue:
    """One network's posts, declared reach, qualified clicks, the manager's rates and the
    earned media value range they give."""

    network: str
    label: str
    posts: int
    reach: int
    qualified_clicks: int
    cpm_low: Decimal
    cpm_high: Decimal
    cpc_low: Decimal
    cpc_high: Decimal
    emv_low: Decimal
    emv_high: Decimal


@dataclass(frozen=True)
class AdvocacyDashboard:
    """The figures of the advocacy dashboard over the last ``weeks`` weeks (``start``, a
    Monday, to ``end``, today). Percentages are ``None`` when their denominator is 0."""

    weeks: int
    start: date
    end: date
    employees: int
    enrolled: int
    certified: int
    active_advocates: int
    posts: int
    shares: int
    own_posts: int
    qualified_clicks: int
    clicks_per_post: Decimal | None
    company_posts: int
    industry_posts: int
    company_percent: Decimal | None
    mix_target_percent: int
    reach: int
    emv_low: Decimal
    emv_high: Decimal
    rates_set: bool
    min_group: int
    network_labels: tuple[str, ...]
    networks: tuple[NetworkValue, ...]
    series: tuple[WeekActivity, ...]
    top_content: tuple[RankedItem, ...]
    top_campaigns: tuple[RankedItem, ...]
    departments: tuple[DepartmentActivity, ...]
    top_advocates: tuple[RankedItem, ...]

    @property
    def active_percent(self) -> Decimal | None:
        return percent(self.active_advocates, self.certified)

    @property
    def mix_on_target(self) -> bool | None:
        return None if self.company_percent is None else self.company_percent <= self.mix_target_percent


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` / ``whole`` in percent with one decimal (half up), ``None`` when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DepartmentWeeks:
    """One department's advocacy week by week (``WeeklyActivity.weeks``' order): active
    advocates and posts, ``None`` for a week with fewer than ``WeeklyActivity.min_group``
    active advocates (never shown). ``other`` merges the small departments and the people with
    no department."""

    label: str
    active_advocates: tuple[int | None, ...]
    posts: tuple[int | None, ...]
    other: bool = False


@dataclass(frozen=True)
class WeeklyActivity:
    """Advocacy activity per department and week (Mondays in ``weeks``), for the HR overview."""

    weeks: tuple[date, ...]
    departments: tuple[DepartmentWeeks, ...]
    min_group: int


@dataclass(frozen=True)
class GoalProgress:
    """One programme goal against the dashboard's period: who it is for (a department, or the
    whole company), the metric (its code and label), the target and the figure of the period
    (``None`` when hidden: fewer than ``AdvocacyDashboard.min_group`` active advocates behind
    a department's figure); ``percent`` of the target reached (whole number, ``None`` when
    hidden) and ``on_track`` (the figure reached the target)."""

    label: str
    metric: str
    metric_label: str
    target: Decimal
    value: Decimal | None
    percent: int | None
    on_track: bool | None
    company: bool = False

    @property
    def hidden(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class PilotPeriod:
    """One of the three periods of the pilot comparison: its first Monday, its last day (cut
    at today) and its elapsed days (0 when it has not started)."""

    name: str
    label: str
    start: date
    end: date
    days: int

    @property
    def weeks(self) -> Decimal:
        """Its elapsed weeks, to one decimal."""
        return (Decimal(self.days) / 7).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PilotMetric:
    """A key metric in the periods before, during and after the pilot (``None`` when the period
    has not started, or the ratio has no denominator), and its change from before to during
    and from before to after. ``unit``: ``""``, or ``"%"`` for a share (its change is in
    points); ``places``: the decimals to show."""

    code: str
    label: str
    before: Decimal | None
    during: Decimal | None
    after: Decimal | None
    unit: str = ""
    places: int = 1  # decimal places shown

    @staticmethod
    def _change(base: Decimal | None, value: Decimal | None) -> Decimal | None:
        return None if base is None or value is None else value - base

    @property
    def during_change(self) -> Decimal | None:
        return self._change(self.before, self.during)

    @property
    def after_change(self) -> Decimal | None:
        return self._change(self.before, self.after)


@dataclass(frozen=True)
class PilotComparison:
    """The pilot (``periods[1]``) against the same number of weeks before (``periods[0]``) and
    after it (``periods[2]``, cut at today), metric by metric, as weekly averages."""

    periods: tuple[PilotPeriod, PilotPeriod, PilotPeriod]
    metrics: tuple[PilotMetric, ...]
