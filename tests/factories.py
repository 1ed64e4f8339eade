"""factory_boy factories shared by every test package."""

import factory

from superapp.accounts.models import User

DEFAULT_PASSWORD = "correct-Horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _persist_password(self, create, extracted, **kwargs):
        if create:
            self.save(update_fields=["password"])


class DeveloperOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "miniprograms.DeveloperOrganisation"

    name = factory.Sequence(lambda n: f"Org {n}")
