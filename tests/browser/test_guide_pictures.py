"""Every picture the user guide shows is taken by exactly one browser test.

`make guide` runs these tests and copies their screenshots into docs/guide/img/ (then
checks each referenced picture arrived); this test catches a page naming a picture no
test takes, before anyone runs Chromium.
"""

import ast
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide"
BROWSER_TESTS = Path(__file__).resolve().parent
PICTURE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s#]+\.md)(?:#[^)]*)?\)")


def screenshot_calls() -> list[tuple[str, ast.Call]]:
    calls = []
    for source in sorted(BROWSER_TESTS.glob("*.py")):
        tree = ast.parse(source.read_text(), filename=str(source))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "screenshot"
            ):
                calls.append((source.name, node))
    return calls


def screenshot_names() -> list[str]:
    names = []
    for where, call in screenshot_calls():
        name = call.args[1] if len(call.args) > 1 else None
        literal = name.value if isinstance(name, ast.Constant) else None
        assert isinstance(literal, str), (
            f"{where}:{call.lineno}: name the screenshot with a literal string, "
            "so the guide's pictures can be checked"
        )
        names.append(literal)
    return names


def guide_pictures() -> list[tuple[str, str, str]]:
    return [
        (page.name, alt, target)
        for page in sorted(GUIDE.glob("*.md"))
        for alt, target in PICTURE.findall(page.read_text())
    ]


def test_each_screenshot_name_is_taken_by_one_test_only() -> None:
    names = screenshot_names()
    assert names, "no browser test takes a screenshot"
    twice = [name for name, count in Counter(names).items() if count > 1]
    assert not twice, f"two tests would write the same picture: {twice}"


def test_every_guide_picture_is_a_screenshot_a_browser_test_takes() -> None:
    taken = set(screenshot_names())
    pictures = guide_pictures()
    assert len(pictures) >= 10
    for page, alt, target in pictures:
        assert alt.strip(), f"{page}: {target} needs words saying what it shows"
        match = re.fullmatch(r"img/([a-z0-9-]+)\.png", target)
        assert match, f"{page}: {target} is not a screenshot under img/"
        assert match.group(1) in taken, (
            f"{page}: no browser test takes {match.group(1)!r} (screenshot(page, name))"
        )


def test_guide_pages_link_only_to_pages_that_exist() -> None:
    for page in sorted(GUIDE.glob("*.md")):
        for target in LINK.findall(page.read_text()):
            assert (page.parent / target).is_file(), f"{page.name} links to {target}"
