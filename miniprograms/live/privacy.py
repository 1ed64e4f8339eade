"""Data rights, live's part: the user's room comments, the shows they watched and
the shows they asked to be reminded of. Erasure
deletes both (statistics keep counting the show's peak and likes, which name nobody); deal
orders are the shop's and stay there."""

from miniprograms.live.models import Comment, Reminder, Viewer


def export(user) -> dict:
    comments = Comment.objects.filter(user=user).order_by("created_at", "id")
    viewed = Viewer.objects.filter(user=user).order_by("first_joined_at", "id")
    return {
        "comments": [
            {"show_id": c.show_id, "text": c.text, "created_at": c.created_at.isoformat()}
            for c in comments.iterator()
        ],
        "shows_watched": [
            {"show_id": v.show_id, "first_joined_at": v.first_joined_at.isoformat()}
            for v in viewed.iterator()
        ],
        "reminders": [
            {"show_id": r.show_id, "created_at": r.created_at.isoformat()}
            for r in Reminder.objects.filter(user=user).order_by("created_at", "id").iterator()
        ],
    }


def erase(user) -> None:
    Comment.objects.filter(user=user).delete()
    Viewer.objects.filter(user=user).delete()
    Reminder.objects.filter(user=user).delete()
