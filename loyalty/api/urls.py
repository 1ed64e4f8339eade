from django.urls import path

from loyalty.api import views

brand = "loyalty/brands/<int:brand_id>"
client = f"{brand}/clients/<int:client_id>"

urlpatterns = [
    path("loyalty/programs", views.ProgramCreateView.as_view(), name="loyalty-programs"),
    path(f"{brand}/program", views.ProgramView.as_view(), name="loyalty-program"),
    path(f"{brand}/bonus-campaigns", views.BonusCampaignCreateView.as_view()),
    path(f"{brand}/tiers", views.TierCreateView.as_view(), name="loyalty-tiers"),
    path(f"{brand}/rewards", views.RewardCreateView.as_view(), name="loyalty-rewards"),
    path(f"{brand}/rewards/<int:reward_id>", views.RewardView.as_view(), name="loyalty-reward"),
    path(f"{brand}/members/lookup", views.MemberLookupView.as_view()),
    path(f"{brand}/membership", views.MembershipView.as_view(), name="loyalty-membership"),
    path(f"{brand}/card", views.CardView.as_view(), name="loyalty-card"),
    path(f"{brand}/card.png", views.CardQrView.as_view(), name="loyalty-card-qr"),
    path(f"{brand}/points", views.PointsHistoryView.as_view(), name="loyalty-points"),
    path(f"{brand}/redemptions", views.RedemptionCreateView.as_view()),
    path(f"{brand}/in-store-purchases", views.InStorePurchaseView.as_view()),
    path(f"{brand}/my-associate", views.MyAssociateView.as_view(), name="loyalty-my-associate"),
    path(f"{brand}/clients", views.ClientListView.as_view(), name="loyalty-clients"),
    path(client, views.ClientDetailView.as_view(), name="loyalty-client"),
    path(f"{client}/assignment", views.ClientAssignmentView.as_view()),
    path(f"{client}/tags", views.ClientTagsView.as_view()),
    path(f"{client}/tags/<int:tag_id>", views.ClientTagView.as_view()),
    path(f"{client}/notes", views.ClientNotesView.as_view()),
    path(f"{client}/tasks", views.ClientTasksView.as_view()),
    path(f"{client}/timeline", views.ClientTimelineView.as_view()),
    path(f"{brand}/tasks", views.TaskListView.as_view(), name="loyalty-tasks"),
    path(f"{brand}/tasks/<int:task_id>/complete", views.TaskCompleteView.as_view()),
    path(f"{brand}/segments", views.SegmentListView.as_view(), name="loyalty-segments"),
    path(f"{brand}/segments/preview", views.SegmentPreviewView.as_view()),
    path(f"{brand}/segments/<int:segment_id>/clients", views.SegmentClientsView.as_view()),
    path(f"{brand}/campaigns", views.CampaignListCreateView.as_view(), name="loyalty-campaigns"),
    path(f"{brand}/commissions", views.CommissionListView.as_view()),
    path(f"{brand}/commissions/mine", views.MyCommissionView.as_view()),
    path("me/member-cards", views.MemberCardListView.as_view(), name="me-member-cards"),
    path("me/consents", views.ConsentListView.as_view(), name="me-consents"),
    path("me/consents/withdraw", views.ConsentWithdrawView.as_view()),
]
