#!/usr/bin/env python3
"""Fails when a Catch2 TEST_CASE under tests/ has no tags: every case is tagged with its layer and area, so that
`[storage]`, `[http][agents]` or `[race]` select what they say."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
untagged = []
for path in sorted((root / "tests").rglob("*.cpp")):
    text = path.read_text()
    for match in re.finditer(r"\bTEST_CASE\(", text):
        # The argument list runs to the matching parenthesis; strings may hold parentheses.
        i, depth, in_string = match.end(), 1, False
        while depth:
            c = text[i]
            if c == '"' and text[i - 1] != "\\":
                in_string = not in_string
            elif not in_string:
                depth += {"(": 1, ")": -1}.get(c, 0)
            i += 1
        if '"[' not in text[match.end():i]:
            untagged.append(f"{path.relative_to(root)}:{text.count(chr(10), 0, match.start()) + 1}")
if untagged:
    print("TEST_CASEs without tags:\n" + "\n".join(untagged))
    sys.exit(1)
print("every TEST_CASE has tags")
