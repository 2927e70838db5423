#!/usr/bin/python3
"""process_request: reads a JSON job config, sends the job to a processing service with one HTTP
request, and prints the result. The request goes through a small Flask app (the tool's service
layer) driven by Flask's test client, so the tool is a Flask application without a listening socket.

Usage: process_request [--config FILE] [--validate]
Exit codes: 0 done, 1 the service failed, 2 bad config.
"""
import argparse
import json
import sys
from urllib.parse import urlparse

import requests
from flask import Flask, jsonify, request

DEFAULT_CONFIG = "/etc/process_request/config.json"
OPS = ("sum", "max", "count")


class ConfigError(Exception):
    pass


def load_config(path):
    """Reads and checks the config: endpoint (http URL), job (name), op, values, timeout."""
    try:
        with open(path, encoding="utf-8") as f:
            config = json.load(f)
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from e
    except json.JSONDecodeError as e:
        raise ConfigError(f"{path}:{e.lineno}:{e.colno}: not JSON: {e.msg}") from e
    if not isinstance(config, dict):
        raise ConfigError(f"{path}: expected a JSON object")
    url = urlparse(str(config.get("endpoint", "")))
    if url.scheme != "http" or not url.hostname:
        raise ConfigError(f"{path}: endpoint must be an http:// URL")
    if not isinstance(config.get("job"), str) or not config["job"]:
        raise ConfigError(f"{path}: job must be a non-empty string")
    if config.get("op") not in OPS:
        raise ConfigError(f"{path}: op must be one of {', '.join(OPS)}")
    values = config.get("values")
    if not isinstance(values, list) or not all(isinstance(v, (int, float)) for v in values):
        raise ConfigError(f"{path}: values must be a list of numbers")
    config.setdefault("timeout", 5)
    return config


def create_app(config):
    """The tool's service layer: POST /process forwards a job to the configured endpoint."""
    app = Flask("process_request")

    @app.post("/process")
    def process():
        job = request.get_json()
        try:
            upstream = requests.post(config["endpoint"], json=job, timeout=config["timeout"])
        except requests.RequestException as e:
            return jsonify(error=f"request to {config['endpoint']} failed: {e.__class__.__name__}"), 502
        if upstream.status_code != 200:
            return jsonify(error=f"{config['endpoint']} answered HTTP {upstream.status_code}"), 502
        return jsonify(result=upstream.json())

    return app


def main(argv):
    parser = argparse.ArgumentParser(prog="process_request", description="Send a job to the processing service.")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help=f"job config (default {DEFAULT_CONFIG})")
    parser.add_argument("--validate", action="store_true", help="check the config and exit without a request")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as e:
        print(f"process_request: {e}", file=sys.stderr)
        return 2
    if args.validate:
        print(f"process_request: config ok: job {config['job']} ({config['op']} of {len(config['values'])} values) -> {config['endpoint']}")
        return 0
    job = {"job": config["job"], "op": config["op"], "values": config["values"]}
    with create_app(config).test_client() as client:
        response = client.post("/process", json=job)
    body = response.get_json()
    if response.status_code != 200:
        print(f"process_request: {body.get('error', 'failed')}", file=sys.stderr)
        return 1
    r = body["result"]
    print(f"process_request: job={r['job']} op={r['op']} count={r['count']} result={r['result']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
