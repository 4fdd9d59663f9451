"""Comparing people's names as reporters write them with the register's: keys, nicknames,
small misspellings.

    >>> name_key("Martínez-Olguín"), name_key("O'Connor")
    ('martinezolguin', 'oconnor')
    >>> given_names_agree(["Jim"], "James", "Emanuel"), given_names_agree(["Jane"], "Mary", "")
    (True, False)
    >>> edit_distance("boasberg", "boasburg"), edit_distance("chutkan", "chuang")
    (1, 3)
"""

from __future__ import annotations

import functools
import unicodedata

# Short forms of given names that reporters use for judges (Jim Boasberg, Bill Young).
NICKNAMES: dict[str, tuple[str, ...]] = {
    "abby": ("abigail",), "al": ("albert", "alan", "allan", "alfred", "alvin"),
    "alex": ("alexander", "alexandra", "alexis"), "andy": ("andrew",), "barb": ("barbara",),
    "becky": ("rebecca",), "ben": ("benjamin",), "beth": ("elizabeth",),
    "bill": ("william",), "billy": ("william",), "bob": ("robert",), "bobby": ("robert",),
    "cathy": ("catherine", "cathleen", "kathleen"), "charlie": ("charles",),
    "chris": ("christopher", "christine", "christina"), "chuck": ("charles",),
    "dan": ("daniel",), "danny": ("daniel",), "dave": ("david",), "deb": ("deborah",),
    "debbie": ("deborah",), "dick": ("richard",), "don": ("donald",), "drew": ("andrew",),
    "ed": ("edward", "edwin", "edmund"), "fred": ("frederick", "fredric"),
    "gene": ("eugene",), "greg": ("gregory",), "hank": ("henry",),
    "harry": ("harold", "henry"), "jack": ("john",), "jackie": ("jacqueline",),
    "jamie": ("james",), "jeff": ("jeffrey", "jeffery"), "jen": ("jennifer",),
    "jerry": ("gerald", "jerome"), "jim": ("james",), "jimmy": ("james",),
    "joe": ("joseph",), "judy": ("judith",), "kate": ("katherine", "kathryn", "catherine"),
    "kathy": ("kathleen", "katherine", "kathryn"), "katie": ("katherine", "kathryn"),
    "ken": ("kenneth",), "kim": ("kimberly",), "larry": ("lawrence",), "liz": ("elizabeth",),
    "matt": ("matthew",), "meg": ("margaret",), "mike": ("michael",),
    "nick": ("nicholas",), "pat": ("patrick", "patricia"), "patty": ("patricia",),
    "peggy": ("margaret",), "phil": ("philip", "phillip"), "ray": ("raymond",),
    "reggie": ("reginald",), "rich": ("richard",), "rick": ("richard",),
    "rob": ("robert",), "ron": ("ronald",), "sam": ("samuel",), "sandy": ("sandra",),
    "steve": ("steven", "stephen"), "sue": ("susan",), "ted": ("edward", "theodore"),
    "terry": ("terrence", "terence"), "tim": ("timothy",), "tom": ("thomas",),
    "tony": ("anthony",), "vince": ("vincent",), "walt": ("walter",), "will": ("william",),
    "zach": ("zachary",),
}  # fmt: skip


@functools.lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """Lower case letters only, accents dropped: the form two spellings of a name share."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed.casefold() if ch.isalpha() and ch.isascii())


def given_names_agree(given: list[str], first: str, middle: str) -> bool:
    """Do the given names a post writes fit the register's first and middle names?

    Each word must be the first or a middle name, a nickname of the first, or an initial
    of one of them ("J. Michelle Childs", "Jim Boasberg", "Amy Berman Jackson").
    """
    names = [name_key(part) for part in f"{first} {middle}".split()]
    names = [name for name in names if name]
    if not names:
        return True
    for word in given:
        key = name_key(word)
        if not key:
            continue
        if len(key) == 1:
            if not any(name.startswith(key) for name in names):
                return False
        elif (
            key not in names
            and not any(formal in names for formal in NICKNAMES.get(key, ()))
            # a short form that starts the name: "Sri" Srinivasan, "Jeff", "Alex"
            and (len(key) < 3 or not any(name.startswith(key) for name in names))
        ):
            return False
    return True


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from `a` to `b`, at most
    `limit` (anything further is reported as `limit`)."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) >= limit:
            return limit
        previous2, previous = previous, current
    return min(previous[-1], limit)


def is_misspelling(written: str, known: str) -> bool:
    """Is `written` a small slip for `known` (both surnames)? One edit for short names, two
    from eight letters on; the first letter must agree (people rarely get that wrong, and
    "Cobb"/"Bobb" are two people)."""
    a, b = name_key(written), name_key(known)
    if not a or not b or a == b or a[0] != b[0] or min(len(a), len(b)) < 4:
        return False
    allowed = 2 if min(len(a), len(b)) >= 8 else 1
    return edit_distance(a, b, allowed + 1) <= allowed
