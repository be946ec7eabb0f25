#!/usr/bin/env python3
"""Read one RFC 5322 message on standard input with Python's own `email` package (an
independent parser, not tiketti's) and print what the tests check, as JSON:

  headers      [[name, value decoded (RFC 2047)], ...] in order
  raw_headers  [[name, value as it is in the message], ...]
  from, to, cc [{"name": display name decoded, "address": ...}, ...]
  text         the text/plain body, decoded
  attachments  [{"filename": decoded (RFC 2231), "content_type": ..., "hex": bytes}, ...]
  defects      every defect the parser found, in the message or any header
"""

import email
import email.policy
import json
import sys


def addresses(msg, name):
    header = msg[name]
    if header is None:
        return []
    return [{"name": a.display_name, "address": a.addr_spec} for a in header.addresses]


def main():
    raw = sys.stdin.buffer.read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    defects = [repr(d) for d in msg.defects]
    headers = []
    for name, value in msg.items():
        headers.append([name, str(value)])
        defects.extend(f"{name}: {d!r}" for d in getattr(value, "defects", ()))
    body = msg.get_body(preferencelist=("plain",))
    attachments = []
    for part in msg.iter_attachments():
        defects.extend(repr(d) for d in part.defects)
        attachments.append(
            {
                "filename": part.get_filename(),
                "content_type": part.get_content_type(),
                "hex": part.get_payload(decode=True).hex(),
            }
        )
    for part in msg.walk():
        if part is not msg:
            defects.extend(repr(d) for d in part.defects)
    out = {
        "headers": headers,
        "raw_headers": [[n, v] for n, v in msg.raw_items()],
        "from": addresses(msg, "From"),
        "to": addresses(msg, "To"),
        "cc": addresses(msg, "Cc"),
        "text": body.get_content() if body is not None else None,
        "attachments": attachments,
        "defects": sorted(set(defects)),
    }
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
