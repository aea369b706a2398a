"""What a home holds of cases, votes and personal data: items with a case number, cases that span
more than one meeting, items with votes, items with a CPR number, and a sample to check by hand.

    .venv/bin/python scripts/report_cases.py --home HOME [--sample 20] [--json]
"""

from __future__ import annotations

import argparse
import json
import random

from benchreport import print_report
from sqlalchemy import func, select

from minutesindex.config import load_settings
from minutesindex.store.db import open_database, session_scope
from minutesindex.store.tables import DocumentRow, ItemCaseRow, ItemRow, VoteRow


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True)
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    engine = open_database(load_settings(args.home).db_url)
    with session_scope(engine) as session:
        items = session.scalar(select(func.count(ItemRow.id)))
        with_case = session.scalar(select(func.count(func.distinct(ItemCaseRow.item_id))))
        meetings = (
            select(ItemCaseRow.case_number, func.count(func.distinct(ItemRow.document_id)).label("meetings"))
            .join(ItemRow, ItemRow.id == ItemCaseRow.item_id)
            .group_by(ItemCaseRow.case_number)
            .subquery()
        )
        cases = session.scalar(select(func.count()).select_from(meetings))
        spanning = session.scalar(select(func.count()).select_from(meetings).where(meetings.c.meetings > 1))
        voted = session.scalar(select(func.count(func.distinct(VoteRow.item_id))))
        sides = session.scalar(select(func.count(VoteRow.id)))
        cpr = session.scalar(select(func.count(ItemRow.id)).where(ItemRow.has_cpr.is_(True)))
        sample_rows = session.execute(
            select(ItemRow.id, DocumentRow.file_name, ItemRow.number, VoteRow.side, VoteRow.count, VoteRow.parties)
            .join(VoteRow, VoteRow.item_id == ItemRow.id)
            .join(DocumentRow, DocumentRow.id == ItemRow.document_id)
        ).all()
        case_rows = session.execute(
            select(ItemRow.id, DocumentRow.file_name, ItemRow.number, ItemCaseRow.case_number)
            .join(ItemCaseRow, ItemCaseRow.item_id == ItemRow.id)
            .join(DocumentRow, DocumentRow.id == ItemRow.document_id)
        ).all()
    rng = random.Random(3)
    result = {
        "items": items,
        "items_with_a_case_number": with_case,
        "case_numbers": cases,
        "cases_in_more_than_one_meeting": spanning,
        "items_with_votes": voted,
        "vote_sides": sides,
        "items_with_a_cpr_number": cpr,
    }
    print_report(result, args.json)
    for title, rows in (("votes", sample_rows), ("case numbers", case_rows)):
        picked = rng.sample(rows, min(args.sample, len(rows)))
        print(f"\n{len(picked)} {title} to check by hand (item id, file, number, …):")
        for row in picked:
            print("  " + json.dumps([str(value) for value in row], ensure_ascii=False))


if __name__ == "__main__":
    main()
