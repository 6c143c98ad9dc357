"""factory_boy factories for test data; personas are built from these in conftest."""

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
                   calls=1, **call_fields):
    """A case opened by `advisor` with one caller, one child and `calls` calls."""
    import datetime as dt

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
            case=call.case, by=advisor, call={"started_at": started + dt.timedelta(days=day)}, topics=[]
        )
    call.case.refresh_from_db()
    return call.case
