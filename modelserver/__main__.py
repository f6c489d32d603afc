"""`python -m modelserver serve [--host H] [--port P] [--threads N] [--preload]`."""

from __future__ import annotations

import argparse
import logging

from modelserver.settings import ServerSettings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m modelserver",
                                     description="Local OpenAI-compatible model server.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the bundled models over HTTP")
    serve.add_argument("--host", help="interface (default 127.0.0.1, MODELSERVER_HOST)")
    serve.add_argument("--port", type=int, help="port (default 8008, MODELSERVER_PORT)")
    serve.add_argument("--threads", type=int, help="CPU cores to use (MODELSERVER_THREADS)")
    serve.add_argument("--preload", action="store_true", help="load both models before serving")
    return parser


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    import uvicorn

    from modelserver.app import create_app

    settings = ServerSettings.from_env().with_overrides(host=args.host, port=args.port,
                                                       threads=args.threads)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app(settings)
    if args.preload:
        app.state.services.whisper.model()
        app.state.services.chat.engine()
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info",
                timeout_keep_alive=30)


if __name__ == "__main__":
    main()
