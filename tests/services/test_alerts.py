"""Budget notes once each per month (floor, 90 % of the top, over the top) and an under-pace note past mid-month."""

from __future__ import annotations

from datetime import date, timedelta

from bot.db import transaction
from bot.services import alerts, timelog
from bot.services.logtime_parser import parse_logtime
from bot.slack.alert_blocks import alert_text
from tests.helpers.factories import add_engagement

# Active tier: 20–25 h: the floor is 20 h, 90 % of the top 22h 30m, and over the top is more than 25 h.
EARLY = date(2026, 11, 10)  # 7 of November's 21 business days: not past mid-month


def log(session_factory, engagement, *texts: str, today: date = date(2026, 12, 31)) -> None:
    with transaction(session_factory) as session:
        for text in texts:
            timelog.log_time(session, engagement=engagement, user_id="U1", today=today,
                             request=parse_logtime(text, today=today))


def claim(session_factory, engagement, today: date, by: str = "clock-1") -> list[alerts.BudgetAlert]:
    with transaction(session_factory) as session:
        return alerts.claim_budget_alerts(session, engagement=engagement, today=today, claimed_by=by)


def kinds(claimed: list[alerts.BudgetAlert]) -> list[str]:
    return [alert.kind for alert in claimed]


def weekdays(start: date, end: date) -> int:
    """Mon–Fri days from start to end inclusive: the oracle's own count."""
    return sum(1 for n in range((end - start).days + 1) if (start + timedelta(days=n)).isoweekday() <= 5)


def test_nothing_below_the_floor(session_factory):
    acme = add_engagement(session_factory)
    log(session_factory, acme, "10h build 2026-11-02", "9h59m build 2026-11-03")
    assert claim(session_factory, acme, EARLY) == []


def test_reaching_the_floor_notes_it_once_in_the_statements_words(session_factory):
    acme = add_engagement(session_factory, display_name="Acme Rockets")
    log(session_factory, acme, "10h build 2026-11-02", "9h59m build 2026-11-03")
    assert claim(session_factory, acme, EARLY) == []
    log(session_factory, acme, "1m review 2026-11-04")

    [alert] = claim(session_factory, acme, EARLY)

    assert alert.kind == "budget-floor"
    assert "Acme Rockets" in alert_text(alert) and "Band floor reached" in alert_text(alert)
    assert "20h logged this month" in alert_text(alert) and "within the band; 5h left to the top" in alert_text(alert)
    assert "20–25 h band" in alert_text(alert)
    assert claim(session_factory, acme, EARLY) == []
    assert claim(session_factory, acme, date(2026, 11, 11), by="clock-2") == []  # another process, later that month


def test_ninety_percent_of_the_top_then_over_the_top_each_once(session_factory):
    acme = add_engagement(session_factory)
    log(session_factory, acme, "10h build 2026-11-02", "10h build 2026-11-03")
    assert kinds(claim(session_factory, acme, EARLY)) == ["budget-floor"]
    log(session_factory, acme, "2h29m build 2026-11-04")
    assert claim(session_factory, acme, EARLY) == []  # 22h 29m: under 90 % of 25 h (22h 30m)
    log(session_factory, acme, "1m review 2026-11-04")
    [ninety] = claim(session_factory, acme, EARLY)
    assert ninety.kind == "budget-90" and "22h 30m logged" in alert_text(ninety)
    assert "2h 30m left to the 25h top" in alert_text(ninety)
    log(session_factory, acme, "2h30m review 2026-11-05")
    assert claim(session_factory, acme, EARLY) == []  # exactly the top is within the band, as the statement says
    log(session_factory, acme, "1m review 2026-11-05")

    [over] = claim(session_factory, acme, date(2026, 11, 12), by="clock-2")

    assert over.kind == "budget-over"
    assert "25h 1m logged" in alert_text(over) and "over the top by 1m" in alert_text(over)
    assert claim(session_factory, acme, date(2026, 11, 12)) == []
    assert claim(session_factory, acme, date(2026, 11, 13), by="clock-3") == []


def test_jumping_straight_past_the_top_gives_only_the_over_note(session_factory):
    acme = add_engagement(session_factory)
    log(session_factory, acme, "10h build 2026-11-02", "10h build 2026-11-03", "6h build 2026-11-04")

    assert kinds(claim(session_factory, acme, EARLY)) == ["budget-over"]

    with transaction(session_factory) as session:  # even if hours then fall back into the band
        [entry] = [e for e in timelog.entries_between(session, engagement_id=acme.id, start=date(2026, 11, 4),
                                                      end=date(2026, 11, 4))]
        timelog.delete_entry(session, entry_id=entry.id, user_id="U1")
    log(session_factory, acme, "3h review 2026-11-05")  # 23 h: past the floor and 90 %, both already noted
    assert claim(session_factory, acme, date(2026, 11, 11)) == []
    assert claim(session_factory, acme, date(2026, 11, 12), by="clock-2") == []


def test_a_new_month_starts_fresh(session_factory):
    acme = add_engagement(session_factory)
    log(session_factory, acme, "10h build 2026-11-02", "10h build 2026-11-03", "6h build 2026-11-04")
    assert kinds(claim(session_factory, acme, EARLY)) == ["budget-over"]

    december = date(2026, 12, 8)
    assert claim(session_factory, acme, december) == []  # November's hours do not count in December
    log(session_factory, acme, "10h build 2026-12-01", "10h build 2026-12-02")
    [alert] = claim(session_factory, acme, december)
    assert alert.kind == "budget-floor" and "20h logged" in alert_text(alert)
    assert claim(session_factory, acme, december) == []


def test_each_engagement_has_its_own_alerts(session_factory):
    acme = add_engagement(session_factory, name="acme", channel="C1")
    beta = add_engagement(session_factory, name="beta", channel="C2", display_name="Beta Labs")
    log(session_factory, acme, "10h build 2026-11-02", "10h build 2026-11-03")
    log(session_factory, beta, "10h build 2026-11-04", "10h build 2026-11-05")
    [for_acme] = claim(session_factory, acme, EARLY)
    [for_beta] = claim(session_factory, beta, EARLY)
    assert "Beta Labs" in alert_text(for_beta) and "Beta Labs" not in alert_text(for_acme)


def test_the_advisory_floor_is_a_floor_note_not_a_budget_warning(session_factory):
    """8 h of an 8–10 h band is where the statement says "within the band": no "80 % of budget" alarm."""
    advisory = add_engagement(session_factory, tier="advisory")
    log(session_factory, advisory, "8h build 2026-11-02")
    [alert] = claim(session_factory, advisory, EARLY)
    assert alert.kind == "budget-floor"
    assert "8h logged" in alert_text(alert) and "%" not in alert_text(alert).split("—")[0]


def test_a_partial_first_month_pro_rates_the_floor_and_says_so(session_factory):
    """A client starting on 16 November is judged against its share of November's business days."""
    start = date(2026, 11, 16)
    late = add_engagement(session_factory, start_date=start)
    counted, total = weekdays(start, date(2026, 11, 30)), weekdays(date(2026, 11, 1), date(2026, 11, 30))
    floor = round(20 * 60 * counted / total)
    log(session_factory, late, f"{floor - 1}m build 2026-11-17", today=date(2026, 11, 18))
    assert claim(session_factory, late, date(2026, 11, 18)) == []
    log(session_factory, late, "1m build 2026-11-18", today=date(2026, 11, 18))
    [alert] = claim(session_factory, late, date(2026, 11, 18))
    assert alert.kind == "budget-floor"
    assert f"{floor // 60}h {floor % 60}m logged" in alert_text(alert)
    assert f"pro-rated to {counted} of {total} business days" in alert_text(alert)


# --- under pace ---------------------------------------------------------------------------------------------------
# November 2026 has 21 business days; the 16th is the 11th of them (past half), the 13th the 10th (not yet).
# By the 16th the band's floor expects 20 * 11 / 21 = 10.5 h; half of that is 5.24 h.


def test_under_pace_waits_until_past_mid_month(session_factory):
    acme = add_engagement(session_factory)
    assert claim(session_factory, acme, date(2026, 11, 13)) == []
    [alert] = claim(session_factory, acme, date(2026, 11, 16))
    assert alert.kind == "under-pace" and "Acme: 0m logged" in alert_text(alert)


def test_under_pace_alerts_once_a_month(session_factory):
    acme = add_engagement(session_factory)
    log(session_factory, acme, "5h build 2026-11-02")
    [alert] = claim(session_factory, acme, date(2026, 11, 16))
    assert alert.kind == "under-pace" and "Acme: 5h logged" in alert_text(alert)
    assert claim(session_factory, acme, date(2026, 11, 16)) == []
    assert claim(session_factory, acme, date(2026, 11, 20), by="clock-2") == []
    assert kinds(claim(session_factory, acme, date(2026, 12, 21))) == ["under-pace"]


def test_no_under_pace_alert_at_half_the_expected_pace_or_more(session_factory):
    acme = add_engagement(session_factory)
    log(session_factory, acme, "5h15m build 2026-11-02")  # 5.25 h > 5.24 h
    assert claim(session_factory, acme, date(2026, 11, 16)) == []


def test_under_pace_is_judged_on_the_pace_of_the_day_it_runs(session_factory):
    acme = add_engagement(session_factory)
    log(session_factory, acme, "6h build 2026-11-02")
    assert claim(session_factory, acme, date(2026, 11, 16)) == []  # 6 h of the 10.5 h expected: fine
    # By the 30th the floor expects the full 20 h; 6 h is less than half of it.
    assert kinds(claim(session_factory, acme, date(2026, 11, 30))) == ["under-pace"]


def test_no_under_pace_alert_for_an_engagement_that_has_not_started(session_factory):
    """A client whose retainer begins in January cannot be behind its November pace."""
    later = add_engagement(session_factory, start_date=date(2027, 1, 1))
    assert claim(session_factory, later, date(2026, 11, 20)) == []


def test_the_clients_name_cannot_mention_anyone_in_the_note(session_factory):
    hostile = add_engagement(session_factory, display_name="Acme <!channel> <@U999>")
    log(session_factory, hostile, "10h build 2026-11-02", "10h build 2026-11-03")
    [alert] = claim(session_factory, hostile, EARLY)
    text = alert_text(alert)
    assert "<!channel>" not in text and "<@U999>" not in text and "Acme &lt;!channel&gt;" in text


def test_a_check_after_an_entry_is_worth_it_only_when_the_entry_crossed_a_threshold(session_factory):
    from bot.services.retainer import month_summary

    acme = add_engagement(session_factory)
    log(session_factory, acme, "10h build 2026-11-02", "9h58m build 2026-11-03")

    def could_fire(minutes: int, day: date = date(2026, 11, 4)) -> bool:
        log(session_factory, acme, f"{minutes}m review {day.isoformat()}")
        with transaction(session_factory) as session:
            summary = month_summary(session, engagement=acme, month=EARLY, today=EARLY)
        return alerts.note_could_fire(summary, added_minutes=minutes, day=day)

    assert could_fire(1) is False  # 19h 59m: under the floor
    assert could_fire(1) is True  # 20h: the floor
    assert could_fire(30) is False  # 20h 30m: past the floor already, short of 90 % of the top
    assert could_fire(120) is True  # 22h 30m: 90 % of the top
    assert could_fire(60, date(2026, 10, 30)) is False  # last month's entry: this month's notes do not move
