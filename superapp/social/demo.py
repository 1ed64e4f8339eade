"""Demo contacts and Moments: alice is friends with bob and carol; bob posted a Moment."""

from superapp.accounts.models import User
from superapp.social import selectors, services
from superapp.social.models import Moment


def seed(stdout) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=["alice", "bob", "carol"])}
    alice, bob, carol = users["alice"], users["bob"], users["carol"]
    for friend in (bob, carol):
        if not selectors.are_contacts(alice, friend):
            request = services.contact_request_send(actor=alice, to=friend, message="Hi!")
            services.contact_request_accept(actor=friend, request_id=request.pk)
    if not Moment.objects.filter(author=bob).exists():
        services.moment_create(actor=bob, text="Tea tasting in Hangzhou", images=[])
    stdout.write("social: alice ↔ bob, alice ↔ carol; bob posted a Moment")
