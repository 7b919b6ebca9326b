"""sofadoc.kept.Kept: a process's bounded memory starts over when full, never when a kept key is
kept again."""

from sofadoc.kept import Kept


def test_full_it_starts_over_with_the_new_entry():
    kept: Kept[str, int] = Kept(2)
    kept.keep("a", 1)
    kept.keep("b", 2)

    assert kept.keep("c", 3) == 3
    assert kept == {"c": 3}


def test_keeping_a_kept_key_again_replaces_it_and_drops_nothing():
    kept: Kept[str, int] = Kept(2)
    kept.keep("a", 1)
    kept.keep("b", 2)

    kept.keep("b", 20)
    assert kept == {"a": 1, "b": 20}
