#!/usr/bin/python3
"""Read each message file named on the command line with Python's email
package under email.policy.default, and print one JSON object per file (a
JSON list in all) saying what a Python-based mail tool would see:

  file            the path as given
  defects         every defect of the message, of any part, and of any header
                  value, as "where: DefectName: text"
  subject         the decoded Subject
  from, to, cc, reply_to
                  the addresses as [display name, address] pairs
  content_types   the content types of every part, depth first
  methods         the method parameter of each text/calendar part
  header_max_line the longest header line in octets, CRLF excluded
  max_line        the longest line of the whole message in octets

It is run by the Go package mailcheck (python.go); run it by hand with Debian's /usr/bin/python3: the email package is the standard
library's, and no other package is needed.
"""
import email
import email.policy
import json
import sys


def header_lines(data):
    head = data.split(b"\r\n\r\n", 1)[0]
    return head.split(b"\r\n")


def addresses(msg, name):
    value = msg[name]
    if value is None:
        return []
    return [[a.display_name, a.addr_spec] for a in value.addresses]


def check(path):
    with open(path, "rb") as f:
        data = f.read()
    msg = email.message_from_bytes(data, policy=email.policy.default)
    defects = []
    for i, part in enumerate(msg.walk()):
        where = "message" if i == 0 else "part %d (%s)" % (i, part.get_content_type())
        for d in part.defects:
            defects.append("%s: %s: %s" % (where, type(d).__name__, d))
        for name, value in part.items():
            for d in getattr(value, "defects", ()):
                defects.append("%s: header %s: %s: %s" % (where, name, type(d).__name__, d))
        if not part.is_multipart():
            try:
                part.get_content()
            except Exception as e:  # a part that cannot be decoded is a defect too
                defects.append("%s: content: %s: %s" % (where, type(e).__name__, e))
    return {
        "file": path,
        "defects": defects,
        "subject": str(msg["subject"]) if msg["subject"] is not None else None,
        "from": addresses(msg, "from"),
        "to": addresses(msg, "to"),
        "cc": addresses(msg, "cc"),
        "reply_to": addresses(msg, "reply-to"),
        "content_types": [p.get_content_type() for p in msg.walk()],
        "methods": [p.get_param("method") for p in msg.walk() if p.get_content_type() == "text/calendar"],
        "header_max_line": max(len(l) for l in header_lines(data)),
        "max_line": max(len(l) for l in data.split(b"\r\n")),
    }


def main(paths):
    json.dump([check(p) for p in paths], sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
