"""Drives docker-filter with docker-py the way a read-only agent would, then tries one write.

Usage: /usr/bin/python3 read_only.py SOCKET CONTAINER_NAME
Prints one JSON object with what each call returned; the integration test judges it.
"""
import json
import sys
import time

import docker


def main():
    socket, name = sys.argv[1], sys.argv[2]
    # version=None makes docker-py negotiate with an unversioned GET /version.
    client = docker.DockerClient(base_url="unix://" + socket, version=None)
    out = {"api_version": client.api.api_version}
    out["names"] = [c.name for c in client.containers.list(all=True)]
    container = client.containers.get(name)
    out["state"] = container.status
    out["env"] = container.attrs["Config"]["Env"]
    try:
        out["logs"] = container.logs(stdout=True, stderr=True, tail=10).decode("latin-1")
    except docker.errors.APIError as e:
        out["logs"] = {"status": e.status_code, "message": e.explanation}
    now = int(time.time())
    out["events"] = [e.get("Action") for e in client.events(decode=True, since=now - 60, until=now + 1)]
    try:
        client.containers.create("localtest/busybox", ["true"])
        out["create"] = "created"
    except docker.errors.APIError as e:
        out["create"] = {"status": e.status_code, "message": e.explanation}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
