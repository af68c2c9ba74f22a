"""Python's own XML-RPC client against the simulator: authenticate, then one search_read.
argv: url db login key model domain-json fields-json limit. Prints canonical JSON records."""
import json
import os
import sys
import xmlrpc.client

sys.path.insert(0, os.path.dirname(__file__))
from canon import canon  # noqa: E402

url, db, login, key, model, domain, fields, limit = sys.argv[1:9]
common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common")
uid = common.authenticate(db, login, key, {})
models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object")
records = models.execute_kw(db, uid, key, model, "search_read", [json.loads(domain)],
                            {"fields": json.loads(fields), "limit": int(limit), "order": "id asc",
                             "context": {"active_test": False, "lang": "en_US"}})
json.dump({"uid": uid, "records": canon(records)}, sys.stdout)
