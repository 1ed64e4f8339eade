from django.contrib import admin

from superapp.official.models import Brand, BrandMember


class BrandMemberInline(admin.TabularInline):
    model = BrandMember
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "verified_at", "created_at")
    inlines = [BrandMemberInline]
