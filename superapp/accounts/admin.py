from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from superapp.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Profile", {"fields": ("display_name", "avatar_url", "bio", "region")}),
    )
    list_display = ("username", "display_name", "region", "is_staff", "date_joined")
