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
