"""Reads a JSON list of base64 XML-RPC bodies on stdin; prints what CPython's
xmlrpc.client.loads makes of each (canonical form, see canon.py)."""
import base64
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from canon import loads_canon  # noqa: E402

bodies = json.load(sys.stdin)
json.dump([loads_canon(base64.b64decode(b)) for b in bodies], sys.stdout)
