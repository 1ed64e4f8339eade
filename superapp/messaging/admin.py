from django.contrib import admin

from superapp.messaging.models import Conversation, Member


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "title", "last_seq", "last_activity_at")
    list_filter = ("kind",)
    raw_id_fields = ("last_message",)
    inlines = [MemberInline]
