#!/usr/bin/env python3
"""Reads one message kept by scripts/smtp-server, for delivery_e2e_test.sh.

    read_mail.py FILE FIELD
    read_mail.py DIR FIELD     each DIR/*.eml in arrival order: "<file name> <value>" a line

FIELD: rcpt (the envelope recipients), tls (yes/no: the sink's X-Sink-TLS), message-id, from,
to, subject, text or html (the decoded body part of that type), code (the 6 digits after
"code is " in the text), token (the verification token of "verification token is <token> ."),
link (the URL of "Or open this link to verify your address: <url>"), reset-token (the token of "password
reset token is <token> ."), reset-link (the URL of "Open this link to choose a new password: <url>"), defects (the parser's
complaints about the mail's structure, empty when none). Prints the value; exits 1 when the
mail has none (for a folder: when any has none).
"""
import email
import email.policy
import os
import re
import sys


def body(msg, subtype):
    part = msg.get_body(preferencelist=(subtype,))
    if part is None:
        return None
    return part.get_content()


def value_of(path, field):
    """The field's value in the mail at path, or None."""
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    text = body(msg, "plain") or ""
    if field == "rcpt":
        return msg.get("X-Sink-Rcpt-To")
    if field == "tls":
        return msg.get("X-Sink-TLS")
    if field in ("message-id", "from", "to", "subject"):
        return msg.get(field)
    if field == "text":
        return body(msg, "plain")
    if field == "html":
        return body(msg, "html")
    if field == "code":
        m = re.search(r"code is (\d{6})\. ", text)
        return m and m.group(1)
    if field == "token":
        m = re.search(r"verification token is (\S+) \.", text)
        return m and m.group(1)
    if field == "link":
        m = re.search(r"Or open this link to verify your address: (\S+)", text)
        return m and m.group(1)
    if field == "reset-token":
        m = re.search(r"password reset token is (\S+) \.", text)
        return m and m.group(1)
    if field == "reset-link":
        m = re.search(r"Open this link to choose a new password: (\S+)", text)
        return m and m.group(1)
    if field == "defects":
        return "\n".join(repr(d) for part in msg.walk() for d in part.defects)
    sys.exit("read_mail.py: unknown field " + field)


def main():
    path, field = sys.argv[1], sys.argv[2]
    if not os.path.isdir(path):
        value = value_of(path, field)
        if value is None:
            return 1
        print(str(value).rstrip("\n"))
        return 0
    missing = 0
    for name in sorted(n for n in os.listdir(path) if re.fullmatch(r"\d+\.eml", n)):
        value = value_of(os.path.join(path, name), field)
        missing += value is None
        print(name, "" if value is None else str(value).rstrip("\n"))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
