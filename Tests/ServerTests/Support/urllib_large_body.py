"""POSTs a large JSON body with Python's urllib, which writes the whole body before it reads
and sends `Connection: close`, and prints the answer's status and Connection header as JSON.

Usage: urllib_large_body.py URL SIZE_IN_BYTES TIMEOUT_SECONDS
"""
import json
import sys
import urllib.error
import urllib.request

url, size, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
body = b'{"email":"a@example.com","organization":"' + b"x" * size + b'"}'
request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
try:
    with urllib.request.urlopen(request, timeout=timeout) as response:
        status, headers, text = response.status, response.headers, response.read()
except urllib.error.HTTPError as error:
    status, headers, text = error.code, error.headers, error.read()
except Exception as error:  # a timeout or a reset: no answer
    print(json.dumps({"error": repr(error)}))
    sys.exit(1)
print(json.dumps({"status": status, "connection": headers.get("Connection"), "body": text.decode()}))
