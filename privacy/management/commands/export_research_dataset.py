import csv
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from privacy.research import research_export


class Command(BaseCommand):
    help = "Write anonymised, aggregated research statistics as CSV (groups below k suppressed)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("output", help="directory for the CSV files")
        parser.add_argument(
            "--k",
            type=int,
            default=settings.PRIVACY_RESEARCH_MIN_GROUP,
            help="smallest group size that may appear (default: %(default)s)",
        )

    def handle(self, *args: Any, output: str, k: int, **options: Any) -> None:
        if k < 2:
            raise CommandError("k must be at least 2")
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        for name, rows in research_export(k=k).items():
            path = folder / f"{name}.csv"
            with path.open("w", newline="", encoding="utf-8") as handle:
                if rows:
                    writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
                    writer.writeheader()
                    writer.writerows(rows)
            self.stdout.write(f"{path}: {len(rows)} groups")
