from django.core.management.base import BaseCommand, CommandError

from loyalty import selectors


class Command(BaseCommand):
    help = (
        "Verify the points ledger: for every member earned = available + spent + expired, "
        "cached balances and debts match the ledger, every lot = remaining + draws. "
        "Exits non-zero on any mismatch."
    )

    def handle(self, *args, **options):
        report = selectors.points_verify()
        self.stdout.write(
            f"members={report.members} lots={report.lots_checked} earned={report.earned} "
            f"available={report.available} spent={report.spent} expired={report.expired} "
            f"debt={report.debt}"
        )
        if not report.ok:
            for mismatch in report.mismatches[:50]:
                self.stderr.write(f"mismatch {mismatch}")
            raise CommandError(f"{len(report.mismatches)} mismatches in the points ledger")
        self.stdout.write(self.style.SUCCESS("points ledger balanced"))
