from django.contrib import admin

from miniprograms.models import (
    DeveloperOrganisation,
    MiniProgram,
    MiniProgramVersion,
    OrganisationMember,
    VersionAuditEntry,
)


class MemberInline(admin.TabularInline):
    model = OrganisationMember
    raw_id_fields = ["user"]
    extra = 0


@admin.register(DeveloperOrganisation)
class DeveloperOrganisationAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "created_at"]
    search_fields = ["name"]
    inlines = [MemberInline]


@admin.register(MiniProgram)
class MiniProgramAdmin(admin.ModelAdmin):
    list_display = ["app_id", "name", "organisation", "sandbox", "created_at"]
    search_fields = ["app_id", "name"]
    raw_id_fields = ["organisation", "oauth_application"]


class AuditInline(admin.TabularInline):
    model = VersionAuditEntry
    extra = 0
    can_delete = False
    readonly_fields = ["action", "actor", "from_status", "to_status", "reason", "created_at"]


@admin.register(MiniProgramVersion)
class MiniProgramVersionAdmin(admin.ModelAdmin):
    """Reviewers use the API (approve/reject are audited there); the admin is read-only."""

    list_display = ["id", "miniprogram", "version", "status", "bundle_size", "created_at"]
    list_filter = ["status"]
    exclude = ["bundle"]
    readonly_fields = [
        "miniprogram",
        "version",
        "description",
        "status",
        "manifest",
        "bundle_size",
        "uploaded_by",
        "review_reason",
        "released_at",
    ]
    inlines = [AuditInline]

    def has_add_permission(self, request):
        return False
