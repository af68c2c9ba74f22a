"""Conformance vectors for the XML-RPC decoder, produced by CPython's xmlrpc.client (the
marshaller Odoo uses). Prints a JSON list of cases:
  name, xml (base64), expect (what xmlrpc.client.loads returns, canonical form),
  dumps (true when xml is xmlrpc.client.dumps output, byte for byte),
  reject (true when the project deliberately refuses what CPython accepts),
  truncated (true when the body is a cut-off document).
"""
import base64
import json
import os
import sys
import xmlrpc.client

sys.path.insert(0, os.path.dirname(__file__))
from canon import loads_canon  # noqa: E402

cases = []


def add(name, xml, dumps=False, reject=False, truncated=False):
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    cases.append({
        "name": name,
        "xml": base64.b64encode(data).decode("ascii"),
        "expect": loads_canon(data),
        # JS has no int/float distinction and orders integer-like keys first, so only some
        # marshalled values can be re-encoded byte for byte.
        "dumps": dumps,
        "reject": reject,
        "truncated": truncated,
    })


def resp(value_xml, decl="<?xml version='1.0'?>\n"):
    return (f"{decl}<methodResponse>\n<params>\n<param>\n{value_xml}\n"
            "</param>\n</params>\n</methodResponse>\n")


def dumped(name, value, reencode=True):
    add(name, xmlrpc.client.dumps((value,), methodresponse=True), dumps=reencode)


# --- values as CPython's marshaller writes them (and Odoo sends them)
dumped("dumps: string", "hello")
dumped("dumps: empty string", "")
dumped("dumps: whitespace-only string", "   \t ")
dumped("dumps: markup characters", "a < b & c > d \"q\" 'a'")
dumped("dumps: accents, emoji, CJK", "Café Crème — 😀🚀 中国 Łódź")
dumped("dumps: numeric-looking strings", ["00123", "1e5", "-0", "True", "False"])
dumped("dumps: ints", [0, 1, -1, 42, 2147483647, -2147483648])
dumped("dumps: doubles", [0.5, 1e-05, 1.5e300, -2.5e-300, 0.1, 123456.789, 5e-324, 1.7976931348623157e308])
dumped("dumps: integral doubles", [-0.0, 0.0, 1e16, 1e22, 100.0], reencode=False)
dumped("dumps: int beyond MAXINT sent as float (Odoo)", 3000000000.5)
dumped("dumps: booleans", [True, False])
dumped("dumps: dateTime", xmlrpc.client.DateTime("20240131T10:20:30"))
dumped("dumps: base64 multi-line", xmlrpc.client.Binary(bytes(range(256)) * 2))
dumped("dumps: empty base64", xmlrpc.client.Binary(b""))
dumped("dumps: empty array", [])
dumped("dumps: empty struct", {})
dumped("dumps: nested arrays and structs", {"a": [1, [2, [3, {"b": [], "c": {}}]]], "d": {"e": {"f": "g"}}})
dumped("dumps: many2one pair and id lists", {"partner_id": [7, "Azure Interior"], "tax_ids": [1, 4], "x": False})
dumped("dumps: integer-like struct keys", {"12": 100.0, "3": 50.5, "b": 1, "a": 2}, reencode=False)
dumped("dumps: __proto__ and constructor keys", {"__proto__": {"polluted": True}, "constructor": "x", "toString": 1})
dumped("dumps: control-free multi-line text", "line 1\nline 2\n\ttabbed")
dumped("dumps: page of same-shaped records", [
    {"id": i, "name": f"INV/2024/{i:05d}", "amount": i * 1.25, "partner_id": [i % 3 + 1, "Ñandú S.A."] if i % 2 else False,
     "date": "2024-01-%02d" % (i % 28 + 1), "state": "posted", "ref": False, "tax_ids": [1, 2][: i % 3],
     "residual": 0.0, "reconciled": bool(i % 2), "company_id": [1, "YourCompany"], "write_date": "2024-05-01 10:00:00"}
    for i in range(1, 6)
], reencode=False)
dumped("dumps: records of two shapes", [
    {"id": 1, "a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8},
    {"id": 2, "h": 8, "g": 7, "f": 6, "e": 5, "d": 4, "c": 3, "b": 2, "a": 1},
    {"id": 3, "a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9},
])
add("dumps: fault code 2", xmlrpc.client.dumps(xmlrpc.client.Fault(2, "Record does not exist or has been deleted."), methodresponse=True), dumps=True)
add("dumps: fault code 1 traceback", xmlrpc.client.dumps(xmlrpc.client.Fault(1, "Traceback (most recent call last):\n  File \"x.py\", line 1\nValueError: Invalid field 'foo'"), methodresponse=True), dumps=True)
add("dumps: legacy string fault code", xmlrpc.client.dumps(xmlrpc.client.Fault("warning -- AccessError\n\nnope", "nope"), methodresponse=True), dumps=True)

# --- hand-written XML: what other servers, proxies and editors produce
add("untyped value", resp("<value>hello</value>"))
add("untyped whitespace-only value", resp("<value>   </value>"))
add("empty value element <value/>", resp("<value/>"))
add("empty value <value></value>", resp("<value></value>"))
add("empty string <string/>", resp("<value><string/></value>"))
add("predefined entities", resp("<value><string>&lt;&gt;&amp;&quot;&apos;</string></value>"))
add("character references dec/hex/astral", resp("<value><string>&#233;&#xE9;&#x1F600;&#128512;&#x41;</string></value>"))
add("character reference to CR is kept", resp("<value><string>a&#13;b&#xD;&#10;c</string></value>"))
add("raw CR normalised", resp("<value><string>a\r\nb\rc\r</string></value>"))
add("CDATA", resp("<value><string><![CDATA[<b>&amp; ]] </b>]]></string></value>"))
add("CDATA mixed with text", resp("<value><string>a<![CDATA[<x>]]>b&amp;</string></value>"))
add("comment inside text", resp("<value><string>a<!-- skip -->b</string></value>"))
add("comment inside untyped value", resp("<value>a<!-- skip -->b</value>"))
add("ints: i4, padded, signed, spaced", resp(
    "<value><array><data><value><i4>-7</i4></value><value><int>+7</int></value>"
    "<value><int> 12 </int></value><value><int>007</int></value><value><int>\n5\n</int></value>"
    "<value><int>1_000</int></value></data></array></value>"))
add("i8 and big integers", resp(
    "<value><array><data><value><i8>123</i8></value><value><i8>9007199254740993</i8></value>"
    "<value><i8>-9223372036854775808</i8></value><value><biginteger>123456789012345678901234567890</biginteger></value>"
    "<value><i1>3</i1></value><value><i2>-3</i2></value></data></array></value>"))
add("doubles: exponents, forms, specials", resp(
    "<value><array><data><value><double>1E+300</double></value><value><double>.5</double></value>"
    "<value><double>5.</double></value><value><double>3</double></value><value><double> 2.5 </double></value>"
    "<value><double>-1.5e-7</double></value><value><double>inf</double></value><value><double>-Infinity</double></value>"
    "<value><double>nan</double></value><value><double>1_0.5</double></value><value><float>2.25</float></value>"
    "</data></array></value>"))
add("bigdecimal", resp("<value><bigdecimal>1.25</bigdecimal></value>"))
add("nil and namespaced nil", resp("<value><array><data><value><nil/></value><value><ex:nil/></value><value><nil></nil></value></data></array></value>"))
add("empty arrays", resp("<value><array><data><value><array><data/></array></value><value><array><data></data></array></value><value><array></array></value></data></array></value>"))
add("empty struct <struct/>", resp("<value><struct/></value>"))
add("struct with duplicate keys (last wins)", resp(
    "<value><struct><member><name>a</name><value><int>1</int></value></member>"
    "<member><name>b</name><value><int>2</int></value></member>"
    "<member><name>a</name><value><int>3</int></value></member></struct></value>"))
add("struct name with entities", resp("<value><struct><member><name>a&amp;b&#233;</name><value>x</value></member></struct></value>"))
add("indentation and comments between tags", """<?xml version="1.0" encoding="UTF-8"?>
<!-- a response -->
<methodResponse>
  <params>
    <!-- one param -->
    <param>
      <value>
        <struct>
          <member>
            <name>id</name>
            <value><int>5</int></value>
          </member>
          <!-- between members -->
          <member>
            <name>tags</name>
            <value>
              <array>
                <data>
                  <value><string>a</string></value>
                  <value>b</value>
                </data>
              </array>
            </value>
          </member>
        </struct>
      </value>
    </param>
  </params>
</methodResponse>
""")
add("CRLF line endings throughout", resp("<value><struct>\r\n<member>\r\n<name>k</name>\r\n<value><string>v\r\nw</string></value>\r\n</member>\r\n</struct></value>").replace("\n", "\r\n"))
add("attributes and spaces in tags", resp('<value ><string  lang="en" >x</string ></value >'))
add("UTF-8 BOM and declaration with encoding", b"\xef\xbb\xbf" + resp("<value>\xc3\xa9</value>".encode("latin-1").decode("utf-8"), decl='<?xml version="1.0" encoding="utf-8"?>\n').encode("utf-8"))
add("ISO-8859-1 declared encoding", resp("<value><string>Caf\xe9 \xd1and\xfa</string></value>", decl="<?xml version='1.0' encoding='iso-8859-1'?>\n").encode("iso-8859-1"))
add("processing instruction between tags", resp("<?pi data?><value><int>1</int></value>"))
add("dateTime with dashes", resp("<value><dateTime.iso8601>2024-01-31T10:20:30</dateTime.iso8601></value>"))
add("base64 with spaces and junk", resp("<value><base64>SGVs bG8g\nV29y\r\nbGQ=</base64></value>"))
add("method call (requests are decoded the same way)", xmlrpc.client.dumps(("db", 2, "key", "res.partner", "search_read", [[["name", "ilike", "a&b"]]], {"fields": ["name"], "limit": 5}), methodname="execute_kw"), dumps=True)

# --- bodies CPython refuses: the decoder must refuse them too
add("error: bad boolean", resp("<value><boolean>2</boolean></value>"))
add("error: boolean with spaces", resp("<value><boolean> 1</boolean></value>"))
add("error: bad int", resp("<value><int>abc</int></value>"))
add("error: empty int", resp("<value><int></int></value>"))
add("error: bad double", resp("<value><double>0x10</double></value>"))
add("error: undefined entity", resp("<value><string>&nbsp;</string></value>"))
add("error: reference to NUL", resp("<value><string>&#0;</string></value>"))
add("error: raw control character", resp("<value><string>a\x01b</string></value>"))
add("error: unknown type tag", resp("<value><foo>1</foo></value>"))
add("error: mismatched close tag", resp("<value><string>x</int></value>"))
add("error: base64 with bad padding", resp("<value><base64>QQ</base64></value>"))
add("error: invalid UTF-8", resp("<value><string>\udcff</string></value>").encode("utf-8", "surrogateescape"))
full = xmlrpc.client.dumps(([{"id": i, "name": "x" * 10} for i in range(20)],), methodresponse=True).encode()
add("truncated: cut mid-document", full[: len(full) // 2], truncated=True)
add("truncated: cut before the root closes", full[: len(full) - 3], truncated=True)
add("truncated: cut inside a tag", full[:60], truncated=True)
add("truncated: cut inside a UTF-8 character", resp("<value><string>😀😀</string></value>").encode("utf-8")[:78], truncated=True)
add("truncated: empty body", b"", truncated=True)

# --- accepted by CPython, refused on purpose: DTDs enable entity-expansion attacks
add("reject: DOCTYPE with internal entity", '<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY e "boom">]>\n' + resp("<value><string>&e;</string></value>", decl=""), reject=True)

json.dump(cases, sys.stdout)
