from django.core.management.base import BaseCommand, CommandError

from payments.selectors import ledger_report


class Command(BaseCommand):
    help = (
        "Recompute every account balance from its postings and check that every journal "
        "transaction balances within one world (real or sandbox), that each world sums to "
        "zero per currency and that every wallet's daily spending counter matches its "
        "postings; exit non-zero on any mismatch."
    )

    def handle(self, *args, **options):
        report = ledger_report()
        self.stdout.write(
            f"accounts={report.accounts} transactions={report.transactions} "
            f"postings={report.postings}"
        )
        for (currency, sandbox), total in sorted(report.totals.items()):
            world = "sandbox total" if sandbox else "total"
            self.stdout.write(f"{world} {currency}={total}")
        problems = {
            "balance_mismatches": report.balance_mismatches,
            "unbalanced_transactions": report.unbalanced_transactions,
            "short_transactions": report.short_transactions,
            "currency_mismatches": report.currency_mismatches,
            "mixed_world_transactions": report.mixed_world_transactions,
            "spending_mismatches": report.spending_mismatches,
        }
        for name, rows in problems.items():
            self.stdout.write(f"{name}={len(rows)}")
            for row in rows[:20]:
                self.stdout.write(f"  {row}")
        if not report.ok:
            raise CommandError("ledger_verify: MISMATCH")
        self.stdout.write(self.style.SUCCESS("ledger_verify=ok"))
