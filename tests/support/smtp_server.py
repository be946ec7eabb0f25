#!/usr/bin/env python3
"""A real SMTP server on loopback for tiketti's tests (aiosmtpd).

It binds 127.0.0.1 on a free port, prints the port on standard output (one line) once it
listens, and keeps every accepted message in --dir: `<n>.eml` holds the bytes exactly as
they came after DATA (dot-unstuffed, nothing added), `<n>.json` the envelope
(mail_from, rcpt_tos), whether TLS was on and who logged in. The .eml is written before
its .json, both atomically, so a reader that sees a .json sees its whole message.

Options: --starttls or --tls (implicit) with --cert and --key; --user and --password to
require AUTH (PLAIN or LOGIN); --reject-rcpt CODE or --reject-data CODE to refuse every
message there (4xx: try later, 5xx: never). It runs until killed, or until its standard
input closes when --stdin-lifeline is given (so it never outlives its test).
"""

import argparse
import asyncio
import json
import logging
import os
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Keeper:
    """Stores accepted messages; refuses where told to."""

    def __init__(self, directory, reject_rcpt, reject_data):
        self.directory = directory
        self.reject_rcpt = reject_rcpt
        self.reject_data = reject_data
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject_rcpt:
            return f"{self.reject_rcpt} {reply_text(self.reject_rcpt)} (test server: RCPT refused)"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reject_data:
            return f"{self.reject_data} {reply_text(self.reject_data)} (test server: DATA refused)"
        self.count += 1
        base = os.path.join(self.directory, f"{self.count:04d}")
        raw = envelope.original_content
        if raw is None:
            raw = envelope.content
        write_atomic(base + ".eml", raw)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
            "login": session.auth_data.decode() if isinstance(session.auth_data, bytes) else session.auth_data,
        }
        write_atomic(base + ".json", json.dumps(meta, indent=2).encode())
        return "250 Message accepted for delivery"


def reply_text(code):
    return "4.3.0 Try again later" if str(code).startswith("4") else "5.7.1 Refused"


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        # handled=False: aiosmtpd answers a failure itself (535).
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)

    return check


async def main():
    # aiosmtpd warns about AUTH without STARTTLS (fine under implicit TLS) and about its
    # own deprecations; the tests read stderr only when something went wrong.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dir", required=True, help="where accepted messages are written")
    p.add_argument("--starttls", action="store_true", help="offer and require STARTTLS")
    p.add_argument("--tls", action="store_true", help="TLS from the first byte")
    p.add_argument("--cert", help="the server certificate (PEM)")
    p.add_argument("--key", help="its private key (PEM)")
    p.add_argument("--user", help="require AUTH PLAIN or LOGIN as this user")
    p.add_argument("--password", help="the password --user needs")
    p.add_argument("--reject-rcpt", type=int, metavar="CODE", help="refuse every RCPT")
    p.add_argument("--reject-data", type=int, metavar="CODE", help="refuse every DATA")
    p.add_argument("--stdin-lifeline", action="store_true", help="exit when stdin closes")
    a = p.parse_args()
    if (a.starttls or a.tls) and not (a.cert and a.key):
        p.error("--starttls and --tls need --cert and --key")
    if a.starttls and a.tls:
        p.error("--starttls and --tls exclude each other")
    if bool(a.user) != bool(a.password):
        p.error("--user and --password go together")
    os.makedirs(a.dir, exist_ok=True)

    context = None
    if a.starttls or a.tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(a.cert, a.key)

    keeper = Keeper(a.dir, a.reject_rcpt, a.reject_data)

    def factory():
        options = dict(
            hostname="localhost",  # not socket.getfqdn(), which may wait for DNS
            ident="tiketti test SMTP",
            timeout=30,
        )
        if a.starttls:
            options.update(tls_context=context, require_starttls=True)
        if a.user:
            options.update(
                authenticator=authenticator(a.user, a.password),
                auth_required=True,
                # With implicit TLS the whole connection is encrypted already.
                auth_require_tls=not a.tls,
            )
        return SMTP(keeper, **options)

    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        factory, host="127.0.0.1", port=0, ssl=context if a.tls else None
    )
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)

    if a.stdin_lifeline:
        # The test holds our stdin open; when it dies (or drops us), we go too.
        await loop.run_in_executor(None, sys.stdin.buffer.read)
    else:
        await asyncio.Event().wait()
    server.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
