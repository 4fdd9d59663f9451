"""The sandbox's sample thread is the same on Bluesky (seed.py) and X (x_api.py)."""

import ast
import sys
from pathlib import Path

SANDBOX = Path(__file__).parents[2] / "scripts" / "sandbox"
sys.path.insert(0, str(SANDBOX))
from sample_thread import COLLEAGUE_POST, POSTS, READER_REPLY, READING_ORDER  # noqa: E402


def seed_strings() -> set[str]:
    tree = ast.parse((SANDBOX / "seed.py").read_text())
    function = next(
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef) and n.name == "post_sample_thread"
    )
    return {
        n.value
        for n in ast.walk(function)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def test_every_text_and_link_display_is_the_one_seed_py_posts_on_bluesky() -> None:
    strings = seed_strings()
    for sample in POSTS:
        assert sample.text in strings
        for shown, _ in sample.links:
            assert shown in strings
        if sample.image_alt:
            assert sample.image_alt in strings
    assert COLLEAGUE_POST in strings and READER_REPLY in strings


def test_the_reading_order_is_seed_pys() -> None:
    tree = ast.parse((SANDBOX / "seed.py").read_text())
    order = next(
        ast.literal_eval(n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "reading_order"
    )
    assert tuple(order) == READING_ORDER
