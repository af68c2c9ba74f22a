"""Canonical JSON for XML-RPC values, shared by the conformance scripts.

JavaScript has one number type and no ordered dict with integer-like keys, so values are
compared in a form both sides can produce exactly: numbers as IEEE-754 bit patterns (ints
beyond 2**53 as decimal text), structs as sorted [key, value] pairs.
"""
import base64
import decimal
import struct
import xmlrpc.client

SAFE = 2**53 - 1


def canon(v):
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        if -SAFE <= v <= SAFE:
            return {"num": struct.pack(">d", float(v)).hex()}
        return {"big": str(v)}
    if isinstance(v, (float, decimal.Decimal)):
        return {"num": struct.pack(">d", float(v)).hex()}
    if isinstance(v, xmlrpc.client.Binary):
        return {"b64": base64.b64encode(v.data).decode("ascii")}
    if isinstance(v, (bytes, bytearray)):
        return {"b64": base64.b64encode(bytes(v)).decode("ascii")}
    if isinstance(v, xmlrpc.client.DateTime):
        return {"dt": v.value}
    if isinstance(v, (list, tuple)):
        return [canon(x) for x in v]
    if isinstance(v, dict):
        return {"struct": sorted([k, canon(x)] for k, x in v.items())}
    raise TypeError(f"cannot canonicalise {type(v)!r}")


def loads_canon(data: bytes):
    """What `xmlrpc.client.loads` makes of a body: params/methodname, a fault, or an error."""
    try:
        params, method = xmlrpc.client.loads(data)
    except xmlrpc.client.Fault as f:
        return {"fault": {"code": canon(f.faultCode), "string": f.faultString}}
    except Exception as e:  # noqa: BLE001 - any refusal counts
        return {"error": f"{type(e).__name__}: {e}"}
    return {"params": canon(list(params)), "method": method}
