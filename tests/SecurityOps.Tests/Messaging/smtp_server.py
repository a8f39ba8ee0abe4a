"""A real SMTP server for the tests (aiosmtpd), saving every message it accepts.

Run with Debian's interpreter: /usr/bin/python3 smtp_server.py --port N --dir D [--cert C --key K] [--user U --password P]
  --reject S    answer 550 to RCPT TO addresses containing S
  --tempfail S  answer 451 the first time an address containing S is given
  --drop S      drop the connection (no reply) the first time DATA ends for an address containing S
  --hang S      the first time DATA ends for an address containing S, answer nothing for 60 s, then drop it
Prints READY when listening; stops when stdin closes.
"""
import argparse
import asyncio
import json
import os
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--dir", required=True)
ap.add_argument("--cert")
ap.add_argument("--key")
ap.add_argument("--user")
ap.add_argument("--password")
ap.add_argument("--reject")
ap.add_argument("--tempfail")
ap.add_argument("--drop")
ap.add_argument("--hang")
args = ap.parse_args()
os.makedirs(args.dir, exist_ok=True)


class Handler:
    def __init__(self):
        self.seen = set()
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if args.reject and args.reject in address:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if args.tempfail and args.tempfail in address and ("t", address) not in self.seen:
            self.seen.add(("t", address))
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            if args.drop and args.drop in rcpt and ("d", rcpt) not in self.seen:
                self.seen.add(("d", rcpt))
                server.transport.abort()
                return "421 4.4.2 dropped"
            if args.hang and args.hang in rcpt and ("h", rcpt) not in self.seen:
                self.seen.add(("h", rcpt))
                await asyncio.sleep(60)
                server.transport.abort()
                return "421 4.4.2 dropped"
        with self.lock:
            self.count += 1
            name = "%04d" % self.count
        with open(os.path.join(args.dir, name + ".eml"), "wb") as f:
            f.write(envelope.original_content or envelope.content)
        # The envelope marks the message whole (SmtpTestServer.Received), so it appears at once, never half written.
        with open(os.path.join(args.dir, name + ".json.tmp"), "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos,
                       "tls": session.ssl is not None, "auth": bool(session.authenticated)}, f)
        os.replace(os.path.join(args.dir, name + ".json.tmp"), os.path.join(args.dir, name + ".json"))
        return "250 2.0.0 queued as " + name


def authenticator(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword) and auth_data.login == (args.user or "").encode() \
            and auth_data.password == (args.password or "").encode():
        return AuthResult(success=True)
    return AuthResult(success=False, handled=False)


kwargs = {}
if args.cert:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.cert, args.key)
    kwargs.update(tls_context=ctx, require_starttls=True)
if args.user:
    kwargs.update(authenticator=authenticator, auth_required=True)

controller = Controller(Handler(), hostname="127.0.0.1", port=args.port, **kwargs)
controller.start()
print("READY", flush=True)
try:
    sys.stdin.read()
finally:
    controller.stop()
