from rest_framework import serializers

from superapp.official.models import Brand, BrandMember


class BrandCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class BrandOutput(serializers.ModelSerializer):
    verified = serializers.BooleanField(source="is_verified")

    class Meta:
        model = Brand
        fields = ["id", "name", "verified", "created_at"]


class MemberAddInput(serializers.Serializer):
    username = serializers.CharField(max_length=32)
    role = serializers.ChoiceField(choices=[BrandMember.Role.ADMIN, BrandMember.Role.ASSOCIATE])


class MemberOutput(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")

    class Meta:
        model = BrandMember
        fields = ["id", "username", "role", "created_at"]
