from django.core.management.base import BaseCommand, CommandError

from miniprograms.shop import storefront
from superapp.core.errors import DomainError


class Command(BaseCommand):
    help = "Release the built storefront (web/storefront/dist) as every shop's mini-program."

    def handle(self, *args, **options):
        try:
            releases = storefront.storefront_release_all()
        except DomainError as exc:
            raise CommandError(str(exc.detail)) from exc
        for release in releases:
            what = "released" if release.released else "unchanged"
            self.stdout.write(
                f"storefront of {release.shop.name} ({release.shop.miniprogram.app_id}): "
                f"{what} {release.version}"
            )
        if not releases:
            self.stdout.write("no shops")
