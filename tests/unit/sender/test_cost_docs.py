"""The README's "What it costs" is what the capacity planner prints today (make docs)."""

from __future__ import annotations

import pytest

from scripts.cost_docs import BEGIN, CASES, END, README, section
from scripts.terraform_docs import updated_readme
from sender.capacity import cli


def test_readme_cost_section_is_up_to_date() -> None:
    readme = README.read_text()
    assert readme == updated_readme(readme, section(), BEGIN, END), (
        "README.md's cost section is not what the planner prints today: run `make docs`"
    )


@pytest.mark.parametrize(("title", "args"), CASES)
def test_each_case_is_the_report_of_its_command(
    title: str, args: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(list(args)) == 0
    report = capsys.readouterr().out.rstrip()
    assert f'**{title}** (`make capacity ARGS="{" ".join(args)}"`):\n\n```text\n{report}\n```' in (
        README.read_text()
    )
