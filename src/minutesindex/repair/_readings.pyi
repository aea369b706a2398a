def build_trie(words: list[str]) -> object: ...
def compound_readings(
    token: str,
    lowered: str,
    options: list[tuple[tuple[int, str, str, float], ...]],
    max_subs: int,
    trie: object,
    min_part: int,
    max_heads: int,
    linkers: str,
) -> list[tuple[str, int, float, tuple[str, ...]]]: ...
def substitution_options(
    token: str, table: dict[str, list[tuple[str, tuple[tuple[tuple[int, str, str, float], ...], ...]]]], in_caps: bool
) -> list[tuple[tuple[int, str, str, float], ...]]: ...
