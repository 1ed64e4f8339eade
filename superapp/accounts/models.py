from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower

from superapp.core.fulltext import Document


class User(AbstractUser):
    """A Plaza consumer (and, with roles elsewhere, a brand member or developer).

    Usernames are unique regardless of case. Plaza user ids never leave the platform through
    the mini-program API: apps see openids (miniprograms/).
    """

    # What an erased account is called from then on, wherever its name was shown.
    ERASED_DISPLAY_NAME = "Erased user"

    display_name = models.CharField(max_length=64)
    avatar_url = models.URLField(max_length=500, blank=True)
    bio = models.CharField(max_length=280, blank=True)
    region = models.CharField(max_length=64, blank=True)
    findable_by_username = models.BooleanField(
        default=True, help_text="Whether people who are not contacts find this user in search."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.username


# What people search users by (superapp/core/fulltext.py; migration 0002 creates it).
USER_SEARCH = Document(
    table="accounts_user",
    fields=(("username", "A"), ("display_name", "A")),
    names=("username", "display_name"),
)
