from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower


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

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.username
