from django.contrib import admin

from superapp.social.models import Block, ContactRequest, Moment


@admin.register(ContactRequest)
class ContactRequestAdmin(admin.ModelAdmin):
    list_display = ("from_user", "to_user", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("from_user", "to_user")


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ("blocker", "blocked", "created_at")
    raw_id_fields = ("blocker", "blocked")


@admin.register(Moment)
class MomentAdmin(admin.ModelAdmin):
    list_display = ("author", "visibility", "created_at")
    raw_id_fields = ("author",)
