"""Engagements: setup, updates, permissions, channel look-up and workspace isolation."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlmodel import select

from bot.errors import InvalidInput, NotAllowed, NotLinked
from bot.models import ChannelLink, Engagement
from bot.services import engagements
from bot.services.engagements import EngagementInput


def acme(**overrides: object) -> EngagementInput:
    values: dict[str, object] = {"name": "acme", "tier": "active", "start_date": date(2026, 9, 1),
                                 "timezone": "Europe/London", "cto_user_ids": ["U1"]}
    values.update(overrides)
    return EngagementInput(**values)  # type: ignore[arg-type]


def setup(session, *, team="T1", channel="C1", actor="U1", data=None, defaults=None, primary=True):
    engagement = engagements.setup_engagement(
        session, team_id=team, channel_id=channel, data=data or acme(), actor_id=actor,
        default_cto_ids=defaults or [], make_primary=primary)
    session.commit()
    return engagement


def test_setup_creates_engagement_with_tier_defaults_and_primary_channel(session):
    engagement = setup(session)
    assert (engagement.display_name, engagement.tier) == ("Acme", "active")
    assert (engagement.hours_min, engagement.hours_max, engagement.response_target_hours) == (20, 25, 4)
    assert (engagement.digest_weekday, engagement.digest_time) == ("fri", time(16, 0))
    status = engagements.engagement_status(session, engagement=engagement, today=date(2026, 11, 22))
    assert status.channels == ["C1"] and status.primary_channel == "C1"
    assert status.month_number == 3


@pytest.mark.parametrize(("tier", "band", "target"), [
    ("advisory", (8, 10), 8), ("growth", (15, 20), 6), ("active", (20, 25), 4), ("full", (35, 40), 2)])
def test_each_tier_has_the_designed_band_and_target(session, tier, band, target):
    engagement = setup(session, data=acme(tier=tier))
    assert (engagement.hours_min, engagement.hours_max) == band
    assert engagement.response_target_hours == target


def test_custom_tier_needs_hours_and_overrides_apply(session):
    with pytest.raises(InvalidInput) as refused:
        setup(session, data=acme(tier="custom"))
    assert refused.value.field == "hours"
    session.rollback()
    engagement = setup(session, data=acme(tier="custom", hours=(12, 15), response_target_hours=3))
    assert (engagement.hours_min, engagement.hours_max, engagement.response_target_hours) == (12, 15, 3)


def test_rerunning_setup_updates_the_same_engagement(session):
    first = setup(session)
    second = setup(session, data=acme(tier="full", display_name="Acme Ltd", timezone="America/New_York"))
    assert second.id == first.id
    assert len(session.exec(select(Engagement)).all()) == 1
    assert (second.tier, second.hours_max, second.timezone, second.display_name) == (
        "full", 40, "America/New_York", "Acme Ltd")


def test_only_a_cto_may_change_settings_and_a_refusal_changes_nothing(session):
    setup(session)
    with pytest.raises(NotAllowed):
        setup(session, actor="U9", data=acme(tier="full", cto_user_ids=["U9"]))
    session.rollback()
    engagement = session.exec(select(Engagement)).one()
    assert engagement.tier == "active" and engagement.cto_user_ids == ["U1"]


def test_cto_user_ids_restrict_who_may_create_an_engagement(session):
    with pytest.raises(NotAllowed):
        setup(session, actor="U9", data=acme(cto_user_ids=["U9"]), defaults=["U1"])
    session.rollback()
    assert len(session.exec(select(Engagement)).all()) == 0


def test_actor_must_stay_a_cto(session):
    with pytest.raises(InvalidInput) as refused:
        setup(session, actor="U1", data=acme(cto_user_ids=["U2"]))
    assert refused.value.field == "ctos"


@pytest.mark.parametrize(("change", "field"), [
    ({"tier": "platinum"}, "tier"),
    ({"timezone": "Europe/Lodnon"}, "timezone"),
    ({"name": "Acme Corp!"}, "name"),
    ({"cto_user_ids": ["alice"]}, "ctos"),
    ({"response_target_hours": 0}, "target"),
])
def test_bad_input_is_refused_with_the_field_named(session, change, field):
    with pytest.raises(InvalidInput) as refused:
        setup(session, data=acme(**change))
    assert refused.value.field == field
    session.rollback()
    assert len(session.exec(select(Engagement)).all()) == 0


def test_second_channel_links_to_existing_engagement_by_name(session):
    setup(session, channel="C1")
    setup(session, channel="C2", primary=False)
    assert len(session.exec(select(Engagement)).all()) == 1
    links = {link.channel_id: link.is_primary for link in session.exec(select(ChannelLink)).all()}
    assert links == {"C1": True, "C2": False}


def test_making_another_channel_primary_moves_the_digest(session):
    setup(session, channel="C1")
    setup(session, channel="C2", primary=True)
    links = {link.channel_id: link.is_primary for link in session.exec(select(ChannelLink)).all()}
    assert links == {"C1": False, "C2": True}


def test_unlinked_channel_raises_not_linked(session):
    with pytest.raises(NotLinked) as refused:
        engagements.require_engagement(session, team_id="T1", channel_id="C404")
    assert "/cto setup" in refused.value.message


def test_same_channel_id_in_two_workspaces_is_two_engagements(session):
    setup(session, team="T1", channel="C1", data=acme(name="acme"))
    setup(session, team="T2", channel="C1", actor="U7", data=acme(name="globex", cto_user_ids=["U7"]))
    one = engagements.require_engagement(session, team_id="T1", channel_id="C1")
    two = engagements.require_engagement(session, team_id="T2", channel_id="C1")
    assert (one.name, two.name) == ("acme", "globex")
    assert [e.name for e in engagements.list_engagements(session, team_id="T2")] == ["globex"]


def test_cli_engagement_without_team_binds_to_the_first_workspace_that_uses_it(session):
    setup(session, team="", channel="C1", actor=None)
    found = engagements.require_engagement(session, team_id="T1", channel_id="C1")
    session.commit()
    assert found.team_id == "T1"
    assert session.exec(select(ChannelLink)).one().team_id == "T1"
    assert engagements.engagement_for_channel(session, team_id="T2", channel_id="C1") is None


def test_uninstalled_workspace_engagements_stop(session):
    setup(session, team="T1")
    assert engagements.mark_team_uninstalled(session, team_id="T1") == 1
    session.commit()
    assert engagements.list_engagements(session) == []
    with pytest.raises(NotLinked):
        engagements.require_engagement(session, team_id="T1", channel_id="C1")


@pytest.mark.parametrize(("text", "expected"), [
    ("fri 16:00", ("fri", time(16, 0))), ("Monday 9:30", ("mon", time(9, 30))), (" sun 23:59 ", ("sun", time(23, 59)))])
def test_digest_slot_parses(text, expected):
    assert engagements.parse_digest_slot(text) == expected


@pytest.mark.parametrize("text", ["friday", "16:00", "fri 25:00", "xyz 10:00", "fri 10:75"])
def test_bad_digest_slot_is_refused(text):
    with pytest.raises(InvalidInput):
        engagements.parse_digest_slot(text)


@pytest.mark.parametrize(("text", "expected"), [("20-25", (20, 25)), ("20–25", (20, 25)), ("30", (30, 30)),
                                                ("12 to 15", (12, 15))])
def test_hours_band_parses(text, expected):
    assert engagements.parse_hours_band(text) == expected


@pytest.mark.parametrize("text", ["25-20", "0-5", "lots", "-3"])
def test_bad_hours_band_is_refused(text):
    with pytest.raises(InvalidInput):
        engagements.parse_hours_band(text)


def test_slugify():
    assert engagements.slugify("  Acme Corp. (UK) ") == "acme-corp-uk"


def test_the_cached_channel_answer_follows_links_made_in_this_process_at_once(session_factory):
    with session_factory() as session:
        assert engagements.engagement_for_channel(session, team_id="T1", channel_id="C7") is None  # cached: unlinked
        setup(session, channel="C7")
    with session_factory() as session:
        assert engagements.require_engagement(session, team_id="T1", channel_id="C7").name == "acme"
        assert engagements.require_engagement(session, team_id="T1", channel_id="C7").name == "acme"  # cached
        engagements.mark_team_uninstalled(session, team_id="T1")
        session.commit()
    with session_factory() as session, pytest.raises(NotLinked):  # the engagement itself is never cached
        engagements.require_engagement(session, team_id="T1", channel_id="C7")


def test_a_link_made_by_another_process_is_seen_within_the_ttl(session_factory, monkeypatch):
    from sqlalchemy import text

    with session_factory() as session:
        engagement = setup(session, channel="C1")
        assert engagements.engagement_for_channel(session, team_id="T1", channel_id="C8") is None
        engagement_id = engagement.id
    with session_factory() as other:  # as `ctobot client add` in another process: no ORM event here
        other.connection().execute(text("INSERT INTO channel_link (engagement_id, team_id, channel_id, is_primary, "
                                        "linked_at) VALUES (:e, 'T1', 'C8', :primary, :at)"),
                                   {"e": engagement_id, "primary": False, "at": datetime(2026, 11, 19, 14, tzinfo=UTC)})
        other.commit()
    with session_factory() as session:
        assert engagements.engagement_for_channel(session, team_id="T1", channel_id="C8") is None  # still cached
    monkeypatch.setattr(engagements.ChannelCache, "TTL", 0.0)  # the TTL has run out
    with session_factory() as session:
        assert engagements.engagement_for_channel(session, team_id="T1", channel_id="C8").id == engagement_id
