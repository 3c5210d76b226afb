"""``hubdesk-sim``: the HubWork API simulator on loopback, until Ctrl+C or SIGTERM."""

from __future__ import annotations

import argparse
import signal
import socket
import sys
from collections.abc import Sequence

import uvicorn

from hubdesk import __version__
from hubdesk.sim.app import SimApp
from hubdesk.sim.config import SimConfig
from hubdesk.sim.control import is_loopback
from hubdesk.sim.server import LOOPBACK, bind_socket, url_host, uvicorn_config
from hubdesk.sim.state import SimState


class _AnnouncingServer(uvicorn.Server):
    """Prints the listening line once the app's start-up is done and sockets accept."""

    def __init__(self, config: uvicorn.Config, url: str) -> None:
        super().__init__(config)
        self._url = url

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.should_exit:
            print(f"hubdesk-sim listening on {self._url}", flush=True)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hubdesk-sim",
        description="Stand-in for the HubWork SMS Extension API (demo mode and tests).",
    )
    p.add_argument("--host", default=LOOPBACK, help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (0 picks a free one)")
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host (the control API still answers loopback only)",
    )
    p.add_argument("--token-ttl", type=int, default=3600, help="access token lifetime, seconds")
    p.add_argument("--rate-limit", type=int, default=1200, help="requests per minute")
    p.add_argument(
        "--delivery-delay", type=float, default=2.0, help="seconds an outbound SMS stays Pending"
    )
    p.add_argument(
        "--inbound-every",
        type=float,
        default=0.0,
        help="generate an inbound SMS every S seconds (0 = off)",
    )
    p.add_argument(
        "--latency",
        type=float,
        default=0.0,
        help="seconds added to every API request before it is answered (default 0)",
    )
    p.add_argument(
        "--no-demo-data", action="store_true", help="seed only the vendor collection's data"
    )
    p.add_argument("--log-level", default="warning", help="uvicorn log level")
    p.add_argument("--version", action="version", version=f"hubdesk-sim {__version__}")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not is_loopback(args.host) and not args.allow_remote:
        print(
            f"hubdesk-sim: refusing to listen on non-loopback host {args.host!r} "
            "(pass --allow-remote to allow it)",
            file=sys.stderr,
        )
        return 2
    try:
        config = SimConfig(
            token_ttl=args.token_ttl,
            rate_limit=args.rate_limit,
            delivery_delay=args.delivery_delay,
            inbound_every=args.inbound_every,
            latency=args.latency,
            demo_data=not args.no_demo_data,
        )
    except ValueError as exc:
        print(f"hubdesk-sim: {exc}", file=sys.stderr)
        return 2
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        print(f"hubdesk-sim: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    port = sock.getsockname()[1]
    app = SimApp(SimState(config))
    server = _AnnouncingServer(
        uvicorn_config(app, args.log_level), f"http://{url_host(args.host)}:{port}/api"
    )
    # uvicorn stops gracefully on SIGINT/SIGTERM, then re-raises the signal to the handler
    # that was installed before it ran: make SIGTERM's a no-op so the exit status is 0.
    signal.signal(signal.SIGTERM, lambda signum, frame: None)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
