from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from superapp.accounts.selectors import user_by_username
from superapp.official import services
from superapp.official.api.serializers import (
    BrandCreateInput,
    BrandOutput,
    MemberAddInput,
    MemberOutput,
)


class BrandListCreateView(APIView):
    @extend_schema(request=BrandCreateInput, responses={201: BrandOutput}, tags=["brands"])
    def post(self, request):
        data = BrandCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        brand = services.brand_create(actor=request.user, **data.validated_data)
        return Response(BrandOutput(brand).data, status=status.HTTP_201_CREATED)


class BrandMembersView(APIView):
    @extend_schema(request=MemberAddInput, responses={201: MemberOutput}, tags=["brands"])
    def post(self, request, brand_id: int):
        data = MemberAddInput(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.brand_member_add(
            actor=request.user,
            brand_id=brand_id,
            user=user_by_username(data.validated_data["username"]),
            role=data.validated_data["role"],
        )
        return Response(MemberOutput(member).data, status=status.HTTP_201_CREATED)
