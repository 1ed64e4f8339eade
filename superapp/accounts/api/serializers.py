from django.core.validators import RegexValidator
from rest_framework import serializers

from superapp.accounts.models import User

username_validator = RegexValidator(
    r"^[A-Za-z0-9_][A-Za-z0-9_.-]{2,31}$",
    "3-32 characters: letters, digits, '_', '.', '-'; not starting with '.' or '-'.",
)


class RegisterInput(serializers.Serializer):
    username = serializers.CharField(max_length=32, validators=[username_validator])
    password = serializers.CharField(max_length=128, write_only=True, trim_whitespace=False)
    display_name = serializers.CharField(max_length=64)


class LoginInput(serializers.Serializer):
    username = serializers.CharField(max_length=32)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class RefreshInput(serializers.Serializer):
    refresh_token = serializers.CharField(
        max_length=255,
        required=False,
        help_text="Required unless the web app's refresh cookie is sent (docs/web.md).",
    )


class TokenOutput(serializers.Serializer):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    expires_in = serializers.IntegerField()
    token_type = serializers.CharField(default="Bearer")


class RegisterOutput(TokenOutput):
    id = serializers.IntegerField()
    username = serializers.CharField()


class MeSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "avatar_url",
            "bio",
            "region",
            "findable_by_username",
            "date_joined",
            "is_staff",
        ]
        read_only_fields = ["id", "username", "date_joined", "is_staff"]
        extra_kwargs = {"display_name": {"required": False}}


class EraseInput(serializers.Serializer):
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class ExportOutput(serializers.Serializer):
    format = serializers.CharField()
    generated_at = serializers.DateTimeField()
    user_id = serializers.IntegerField()
    apps = serializers.DictField(
        child=serializers.DictField(), help_text="One section per app, keyed by app label."
    )
