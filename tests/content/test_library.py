"""The default course covers every topic the program descriptions ask for, once per module."""

from __future__ import annotations

import pytest

from site_builder.programs import load_program

from ..conftest import REPO

# Each required topic (issue: "The default course") and the topic tags that cover it.
REQUIRED_TOPICS = {
    "orientation": {"orientation"},
    "group agreements and confidentiality": {"group-agreements", "confidentiality"},
    "how IOP and levels of care work": {"levels-of-care"},
    "stages of change": {"stages-of-change"},
    "motivation and decisional balance": {"motivation", "decisional-balance"},
    "how substances affect the brain and body": {"brain-and-body"},
    "addiction as a progressive, treatable condition": {"treatable-condition"},
    "withdrawal and the early-recovery road map": {"withdrawal", "early-recovery-road-map"},
    "external and internal triggers, high-risk situations": {"triggers", "internal-triggers",
                                                             "high-risk-situations"},
    "cravings and urges": {"cravings-and-urges"},
    "thoughts, feelings and behaviors": {"thoughts-feelings-behaviors"},
    "structuring personal time": {"structuring-time"},
    "refusal skills": {"refusal-skills"},
    "relapse as a process and its warning signs": {"relapse-as-a-process",
                                                   "relapse-warning-signs"},
    "relapse justifications, euphoric recall, testing control": {
        "relapse-justifications", "euphoric-recall", "testing-control"},
    "lapse versus relapse, after a slip": {"lapse-versus-relapse", "after-a-slip"},
    "personal relapse-prevention plan": {"relapse-prevention-plan"},
    "stress and relaxation": {"stress", "relaxation"},
    "shame and guilt": {"shame-and-guilt"},
    "depression and anxiety": {"depression-and-anxiety"},
    "co-occurring mental health conditions": {"co-occurring-conditions"},
    "medications for substance use disorders": {"medications"},
    "mutual-help groups": {"mutual-help-groups"},
    "spirituality and meaning": {"spirituality"},
    "sober support network": {"support-network"},
    "family": {"family", "family-communication", "enabling"},
    "self-efficacy and personal responsibility": {"self-efficacy", "personal-responsibility"},
    "personal inventory of values and strengths": {"values-and-strengths"},
    "sleep, nutrition and exercise": {"sleep-nutrition-exercise"},
    "managing money": {"money"},
    "work, school and recovery": {"work-and-school"},
    "legal issues": {"legal-issues"},
    "boredom and healthy leisure": {"boredom-and-leisure"},
    "honesty, trust and repairing relationships": {"honesty-and-trust"},
    "problem solving": {"problem-solving"},
    "trauma and substance use": {"trauma"},
    "continuing care, step-down and graduation": {"continuing-care", "graduation"},
}
ANGER_TOPICS = {"anger-cues-and-anger-meter", "anger-control-plan", "angry-thinking",
                "assertive-communication"}


@pytest.fixture(scope="module")
def course():
    """The repository's default course, loaded once for this file."""
    return load_program(REPO, "default")


def _skills(course):
    return [s for s in course.sessions if s.track_id == "session"]


def test_sixteen_weeks_three_skills_sessions_a_week(course):
    skills = _skills(course)
    assert course.curriculum.weeks == 16 and len(skills) == 48
    assert all(len([s for s in sessions if s.track_id == "session"]) == 3
               for _, sessions in course.weeks)
    assert {s.module.meta.duration for s in course.sessions} == {90}


def test_no_skills_module_is_used_twice_and_family_topics_repeat_every_eight_weeks(course):
    ids = [s.module.id for s in _skills(course)]
    assert len(ids) == len(set(ids)) == 48
    family = [s.module.id for s in course.sessions if s.track_id == "family"]
    assert len(family) == 16 and family[:8] == family[8:] and len(set(family)) == 8


def test_every_required_topic_has_a_session(course):
    tagged = {t for s in course.sessions for t in s.module.meta.topics}
    missing = [name for name, tags in REQUIRED_TOPICS.items() if not tags <= tagged]
    assert missing == []


def test_anger_management_has_at_least_three_sessions(course):
    sessions = [s for s in course.sessions if "anger-management" in s.module.meta.topics]
    assert len(sessions) >= 3
    assert ANGER_TOPICS <= {t for s in sessions for t in s.module.meta.topics}


def test_order_follows_recovery(course):
    phases = [s.module.meta.phase for s in _skills(course)]
    order = ["engagement", "early-recovery", "relapse-prevention", "maintenance"]
    first = {p: phases.index(p) for p in order}
    assert first["engagement"] < first["early-recovery"] < first["relapse-prevention"] \
        < first["maintenance"]
    assert _skills(course)[-1].module.id == "continuing-care-and-graduation"


def test_every_module_has_all_parts_and_a_public_source(course):
    for session in course.sessions:
        module = session.module
        # overdose prevention is the longest: first aid for opioid, stimulant and alcohol
        # overdoses and seizures, xylazine and test strips (clinical review S5, M12)
        assert 400 <= len(module.reading.split()) <= 1300, module.id
        activities = module.worksheet.count("\n## ") + module.worksheet.startswith("## ")
        # the safety plan's worksheet is the plan itself, one part per step of it
        assert activities in (range(2, 11) if module.id == "suicide-safety-planning" else
                              range(2, 6)), module.id
        assert "Example:" in module.worksheet, module.id
        assert sum(step.minutes for step in module.steps) == session.minutes
        for section in ("## Materials", "## Discussion questions", "## Special considerations"):
            assert section in module.guide, (module.id, section)
        assert module.meta.sources and all(s.year for s in module.meta.sources)
        assert module.meta.goals and module.meta.key_terms


def test_sensitive_modules_point_to_crisis_help(course):
    for module_id in ("depression-and-anxiety", "trauma-and-substance-use", "overdose-prevention",
                      "lapse-versus-relapse", "withdrawal-and-early-recovery"):
        reading = course.modules[module_id].reading
        assert "988" in reading or "911" in reading, module_id
    medication = course.modules["medications-for-substance-use-disorders"].reading.lower()
    assert "prescriber" in medication or "doctor" in medication
