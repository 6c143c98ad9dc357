"""factory_boy factories for test data; personas are built from these in conftest."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

TEST_PASSWORD = "geheim-wachtwoord-voor-tests"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"medewerker{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda user: f"{user.username}@ouders-onderwijs.example")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        """UserFactory(role=roles.ADVISOR) puts the user in that role's group."""
        if create and extracted:
            user.groups.add(Group.objects.get(name=extracted))


# --- Cases, made through the intake's services so that they hold what real ones do ---

_phone_numbers = iter(range(10_000_000, 99_999_999))


def new_mobile_number() -> str:
    """A unique valid Dutch mobile number in E.164."""
    return f"+316{next(_phone_numbers)}"


def case_with_call(advisor, *, caller_name="Fatima el Amrani", phone=None, child_name="Yara", birth_year=2014,
                   calls=1, callers=1, **call_fields):
    """A case opened by `advisor` on the call screen's service: one child, `callers` callers
    (the first named `caller_name`) and `calls` calls with `call_fields`, one a day, the last yesterday."""
    from django.utils import timezone

    from intake import services

    started = timezone.now() - dt.timedelta(days=calls)
    call = services.case_open_with_call(
        by=advisor,
        caller={"name": caller_name, "phone": phone or new_mobile_number()},
        child={"first_name": child_name, "birth_year": birth_year},
        call={"started_at": started, **call_fields},
        topics=[],
    )
    for day in range(1, calls):
        services.call_log(
            case=call.case, by=advisor, call={**call_fields, "started_at": started + dt.timedelta(days=day)}, topics=[]
        )
    for _ in range(1, callers):
        CallerFactory(case=call.case, by=advisor)
    call.case.refresh_from_db()
    return call.case


def callback_planned(by, due_at, *, assigned_to, case=None, subject="Terugbellen over de school", previous=None):
    """A call-back of 15 minutes planned by `by` through the planning service, for `assigned_to`
    (None: the team queue), on `case` or on a new case of `by`'s."""
    from caseflow.callbacks.services import callback_schedule

    return callback_schedule(
        case=case or case_with_call(by), by=by, assigned_to=assigned_to, due_at=due_at, window_minutes=15,
        subject=subject, phone="+31612345678", previous=previous,
    )  # fmt: skip


# --- Intake records, each written through the service a user's action goes through ---
#
# CaseFactory() is a bare case (no caller, child or call); CallerFactory, ChildFactory and
# CallFactory add to a case (or to a new one). For a whole case as the call screen makes it,
# use case_with_call() above, which adds extra callers on request.


def _advisor():
    from caseflow.accounts import roles

    return UserFactory(role=roles.ADVISOR)


class CaseFactory(factory.django.DjangoModelFactory):
    """A case opened through caseflow.cases.services.case_open: a real reference, history by its owner."""

    class Meta:
        model = "caseflow.Case"

    owner = factory.LazyFunction(_advisor)
    summary = factory.Faker("sentence", nb_words=6, locale="nl_NL")

    @classmethod
    def _create(cls, model_class, owner, summary, **kwargs):
        from caseflow.cases.services import case_open

        return case_open(by=owner, owner=owner, summary=summary, **kwargs)


class CallerFactory(factory.django.DjangoModelFactory):
    """Another person calling about the case's child, added through intake.services.caller_add."""

    class Meta:
        model = "intake.Caller"

    case = factory.SubFactory(CaseFactory)
    name = factory.Faker("name", locale="nl_NL")
    phone = factory.LazyFunction(new_mobile_number)
    relation = "father"
    parental_authority = "yes"

    @classmethod
    def _create(cls, model_class, case, by=None, **fields):
        from intake import services

        return services.caller_add(case=case, by=by or case.owner, fields=fields)


class ChildFactory(factory.django.DjangoModelFactory):
    """The child of a bare case (the call screen saves it with the case; no service of its own)."""

    class Meta:
        model = "intake.Child"

    case = factory.SubFactory(CaseFactory)
    first_name = factory.Faker("first_name", locale="nl_NL")
    birth_year = 2014
    school_type = "po"
    school_name = factory.LazyAttribute(lambda child: f"Basisschool De {child.first_name}boom")

    @classmethod
    def _create(cls, model_class, case, by=None, **fields):
        child = model_class(case=case, **fields)
        child.full_clean(exclude=["case"])
        child._history_user = by or case.owner
        child.save()
        return child


class CallFactory(factory.django.DjangoModelFactory):
    """A call logged through intake.services.call_log, which keeps the case's facts in step."""

    class Meta:
        model = "intake.Call"

    case = factory.SubFactory(CaseFactory)
    advisor = factory.LazyAttribute(lambda call: call.case.owner)
    started_at = factory.LazyFunction(lambda: _now() - dt.timedelta(hours=1))
    notes = factory.Faker("paragraph", nb_sentences=2, locale="nl_NL")
    conflict = "unknown"
    at_home = "no"

    @classmethod
    def _create(cls, model_class, case, advisor, topics=(), **fields):
        from intake import services

        return services.call_log(case=case, by=advisor, call=fields, topics=topics)


def _now():
    from django.utils import timezone

    return timezone.now()
