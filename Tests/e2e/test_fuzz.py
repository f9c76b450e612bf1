"""Malformed JSON-RPC, posted straight to the node: every answer must be HTTP 200 with a
JSON-RPC error of the right class (413 for oversized bodies), and the node must keep
answering afterwards.

Each property runs at most 300 examples; the four together take well under a minute.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import requests
import websockets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR, SERVER_ERROR

FUZZ = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
BODY_LIMIT = 5 * 1024 * 1024

#: Read-only methods the node serves; the fuzzer calls them with junk parameters.
#: (clique_propose/clique_discard change node state, so they are left out.)
METHODS = [
    "web3_clientVersion", "web3_sha3", "net_version", "net_listening", "net_peerCount", "eth_chainId",
    "eth_blockNumber", "eth_syncing", "eth_gasPrice", "eth_maxPriorityFeePerGas", "eth_feeHistory",
    "eth_getBalance", "eth_getTransactionCount", "eth_getCode", "eth_getStorageAt", "eth_call",
    "eth_estimateGas", "eth_sendRawTransaction", "eth_getTransactionByHash", "eth_getTransactionReceipt",
    "eth_getBlockByNumber", "eth_getBlockByHash", "eth_getBlockTransactionCountByNumber",
    "eth_getBlockTransactionCountByHash", "eth_getTransactionByBlockNumberAndIndex",
    "eth_getTransactionByBlockHashAndIndex", "eth_getBlockReceipts", "eth_getLogs", "eth_newFilter",
    "eth_newBlockFilter", "eth_newPendingTransactionFilter", "eth_getFilterChanges", "eth_getFilterLogs",
    "eth_uninstallFilter", "eth_getProof", "eth_subscribe", "eth_unsubscribe", "clique_getSigners",
    "clique_getSignersAtHash", "clique_getSnapshot", "clique_proposals", "txpool_status", "txpool_content",
]
#: Codes a known method may answer junk parameters with.
PARAM_ERROR_CODES = {INVALID_PARAMS, SERVER_ERROR, 3, -32005, -32601}

ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
HASH = "0x" + "ab" * 32

# ---------------------------------------------------------------------------
# Strategies

text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=20)
scalars = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False) | text
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4), max_leaves=12
)
#: Strings that are neither hex nor a block tag (no a-f, no 0x).
not_hex = st.text(alphabet="ghijklmnopqrstuvwxyz!@# _-", min_size=1, max_size=12)
odd_hex = st.integers(0, 30).map(lambda n: "0x" + "7" * (2 * n + 1))
#: Over 64 bits, and short of 64 hex digits (which go-ethereum would read as a block hash).
huge_quantity = st.integers(2**64, 2**200).map(hex)
#: Over 256 bits: no quantity field can hold it.
over_256_bits = st.integers(2**256, 2**400).map(hex)
too_long_key = st.integers(33, 40).map(lambda n: "0x" + "11" * n)
leading_zero = st.integers(1, 2**32).map(lambda n: "0x0" + format(n, "x"))
non_object = st.booleans() | st.integers() | st.lists(st.integers(), max_size=3) | not_hex | odd_hex
non_string = st.booleans() | st.integers() | st.lists(st.integers(), min_size=1, max_size=3) | st.dictionaries(not_hex, st.integers(), max_size=2)
bad_data = non_string | not_hex | odd_hex
bad_address = bad_data | st.integers(0, 19).map(lambda n: "0x" + "12" * n) | st.integers(21, 40).map(lambda n: "0x" + "12" * n)
bad_hash = bad_data | st.integers(0, 31).map(lambda n: "0x" + "34" * n) | st.integers(33, 64).map(lambda n: "0x" + "34" * n)
#: No objects: go-ethereum reads {"blockHash": …} / {"blockNumber": …} there, and an object
#: with neither is a server error rather than a parameter error.
bad_block = st.booleans() | st.integers() | st.lists(st.integers(), max_size=3) | not_hex | huge_quantity | leading_zero | st.just("0x")
#: Storage keys: go-ethereum pads odd-length hex, so only non-hex or over 32 bytes is wrong.
bad_key = non_string | not_hex | too_long_key

#: Each entry: a method and a strategy for parameters of the wrong type or shape.
WRONG_PARAMS = [
    ("eth_getBalance", st.tuples(bad_address, st.just("latest"))),
    ("eth_getBalance", st.tuples(st.just(ADDRESS), bad_block)),
    ("eth_getTransactionCount", st.tuples(bad_address, st.just("latest"))),
    ("eth_getCode", st.tuples(st.just(ADDRESS), bad_block)),
    ("eth_getStorageAt", st.tuples(st.just(ADDRESS), bad_key, st.just("latest"))),
    ("eth_getBlockByNumber", st.tuples(bad_block, st.booleans())),
    ("eth_getBlockByNumber", st.tuples(st.just("latest"), st.integers() | not_hex | st.lists(st.booleans(), max_size=2))),
    ("eth_getBlockByHash", st.tuples(bad_hash, st.booleans())),
    ("eth_getTransactionByHash", st.tuples(bad_hash)),
    ("eth_getTransactionReceipt", st.tuples(bad_hash)),
    ("eth_getBlockTransactionCountByNumber", st.tuples(bad_block)),
    ("eth_getTransactionByBlockNumberAndIndex", st.tuples(st.just("latest"), bad_block)),
    ("eth_call", st.tuples(non_object, st.just("latest"))),
    ("eth_call", st.tuples(st.fixed_dictionaries({"to": bad_address}), st.just("latest"))),
    ("eth_call", st.tuples(st.fixed_dictionaries({"to": st.just(ADDRESS), "data": odd_hex | non_string}), st.just("latest"))),
    ("eth_call", st.tuples(st.fixed_dictionaries({"to": st.just(ADDRESS), "value": over_256_bits | not_hex}), st.just("latest"))),
    ("eth_estimateGas", st.tuples(non_object)),
    ("eth_getLogs", st.tuples(non_object)),
    ("eth_getLogs", st.tuples(st.fixed_dictionaries({"address": bad_address}))),
    ("eth_getLogs", st.tuples(st.fixed_dictionaries({"topics": st.lists(bad_hash, min_size=1, max_size=3)}))),
    ("eth_getLogs", st.tuples(st.fixed_dictionaries({"fromBlock": bad_block}))),
    ("eth_sendRawTransaction", st.tuples(bad_data)),
    ("web3_sha3", st.tuples(bad_data)),
    ("eth_feeHistory", st.tuples(st.just("0x1"), bad_block, st.just([]))),
    ("eth_getProof", st.tuples(st.just(ADDRESS), st.lists(bad_key, min_size=1, max_size=2), st.just("latest"))),
    ("eth_getFilterChanges", st.tuples(non_string)),
    ("eth_newFilter", st.tuples(non_object)),
    ("eth_getBalance", st.just(())),  # missing a required parameter
    ("eth_getBalance", st.tuples(st.just(ADDRESS), st.just("latest"), json_values)),  # one too many
]

ids = st.integers(0, 2**53) | st.text(max_size=10, alphabet=st.characters(exclude_categories=["Cs"]))


def unknown_method_names():
    return text.filter(lambda name: name not in METHODS)


# ---------------------------------------------------------------------------
# Checking answers


@pytest.fixture(scope="module")
def http(node):
    session = requests.Session()
    session.headers["Content-Type"] = "application/json"
    yield lambda body: session.post(node.url, data=body, timeout=30)
    session.close()


def expected_error(answer, codes, request_id=None, check_id=True):
    assert isinstance(answer, dict), answer
    assert answer.get("jsonrpc") == "2.0", answer
    assert "result" not in answer, answer
    error = answer.get("error")
    assert isinstance(error, dict), answer
    assert isinstance(error.get("code"), int) and isinstance(error.get("message"), str), answer
    assert error["code"] in codes, answer
    if check_id:
        assert answer.get("id") == request_id, answer


def one_answer(response):
    assert response.status_code == 200, (response.status_code, response.text[:300])
    assert response.headers.get("content-type", "").startswith("application/json"), response.headers
    return response.json()


def classify(request) -> tuple[str, set[int] | None]:
    """What a JSON-RPC 2.0 server must answer to one decoded request:
    ("none", None) for a notification, ("error", codes) or ("any", codes)."""
    if not isinstance(request, dict):
        return "error", {INVALID_REQUEST}
    if "id" in request and not (request["id"] is None or isinstance(request["id"], (str, int, float)) and not isinstance(request["id"], bool)):
        return "error", {INVALID_REQUEST}
    if request.get("jsonrpc") != "2.0" or not isinstance(request.get("method"), str):
        return "error", {INVALID_REQUEST}
    if "id" not in request:
        return "none", None
    if request["method"] not in METHODS:
        # Unknown methods; clique_propose/discard are known but never generated.
        return "error", {METHOD_NOT_FOUND, INVALID_PARAMS}
    return "any", PARAM_ERROR_CODES | {INVALID_REQUEST}


def usable_id(request):
    """The request's id when it is a valid one (string, number or null), else None."""
    if isinstance(request, dict):
        value = request.get("id")
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return value
    return None


def check_single(request, answer):
    kind, codes = classify(request)
    assert kind != "none", "a notification got an answer"
    request_id = usable_id(request)
    if kind == "error":
        # Invalid requests answer with id null when the id itself is unusable.
        expected_error(answer, codes, check_id=False)
        if request_id is not None:
            assert answer.get("id") in (request_id, None), answer
    else:
        assert answer.get("jsonrpc") == "2.0" and answer.get("id") == request_id, answer
        if "error" in answer:
            expected_error(answer, codes, request_id)
        else:
            assert "result" in answer, answer


def check_body(http, body: bytes, decoded):
    response = http(body)
    if isinstance(decoded, list) and decoded:
        expected = [r for r in decoded if classify(r)[0] != "none"]
        if not expected:
            assert response.status_code == 200 and response.content.strip() == b"", response.text[:300]
            return
        answers = one_answer(response)
        assert isinstance(answers, list) and len(answers) == len(expected), (decoded, answers)
        # Answers carry ids; requests with equal ids are matched in order.
        for request, answer in zip(expected, answers):
            check_single(request, answer)
    elif isinstance(decoded, list):
        expected_error(one_answer(response), {INVALID_REQUEST}, None)
    elif classify(decoded)[0] == "none":
        assert response.status_code == 200 and response.content.strip() == b"", response.text[:300]
    else:
        check_single(decoded, one_answer(response))


def strict_json(body: bytes):
    """Decodes like a strict JSON parser (UTF-8, no NaN/Infinity), or raises ValueError."""
    def no_constants(name):
        raise ValueError(f"non-standard constant {name}")

    return json.loads(body.decode("utf-8"), parse_constant=no_constants)


# ---------------------------------------------------------------------------
# Properties


@FUZZ
@given(body=st.binary(max_size=300))
def test_random_bytes(http, body):
    try:
        decoded = strict_json(body)
    except ValueError:
        expected_error(one_answer(http(body)), {PARSE_ERROR}, None)
        return
    check_body(http, body, decoded)


@FUZZ
@given(value=json_values)
def test_random_json_values(http, value):
    check_body(http, json.dumps(value).encode(), value)


requests_ = st.fixed_dictionaries(
    {"jsonrpc": st.just("2.0"), "id": ids, "method": st.sampled_from(METHODS) | unknown_method_names()},
    optional={"params": json_values},
)
junk_requests = st.one_of(
    requests_,
    st.fixed_dictionaries({"jsonrpc": st.sampled_from(["1.0", "2", 2.0, None]), "id": ids, "method": st.sampled_from(METHODS)}),
    st.fixed_dictionaries({"jsonrpc": st.just("2.0"), "id": ids, "method": non_string}),
    st.fixed_dictionaries({"jsonrpc": st.just("2.0"), "id": st.booleans() | st.lists(st.integers(), max_size=2), "method": st.just("eth_chainId")}),
    st.fixed_dictionaries({"jsonrpc": st.just("2.0"), "method": st.just("eth_chainId")}),  # a notification
    json_values,
)


@FUZZ
@given(request=requests_)
def test_methods_with_junk_params(http, request):
    check_body(http, json.dumps(request).encode(), request)


@FUZZ
@given(case=st.sampled_from(WRONG_PARAMS).flatmap(lambda c: st.tuples(st.just(c[0]), c[1])), request_id=st.integers(0, 2**31))
def test_wrong_parameter_types(http, case, request_id):
    method, params = case
    request = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": list(params)}
    answer = one_answer(http(json.dumps(request).encode()))
    expected_error(answer, {INVALID_PARAMS}, request_id)


@FUZZ
@given(batch=st.lists(junk_requests, min_size=1, max_size=20))
def test_batches_of_junk(http, batch):
    check_body(http, json.dumps(batch).encode(), batch)


# ---------------------------------------------------------------------------
# Fixed hostile inputs


@pytest.mark.parametrize("depth", [2, 64, 1_000, 100_000])
def test_deeply_nested_arrays(http, depth):
    body = b"[" * depth + b"]" * depth
    answer = one_answer(http(body))
    # A batch whose members are arrays (invalid requests), or a parse error past a depth limit.
    answers = answer if isinstance(answer, list) else [answer]
    for a in answers:
        expected_error(a, {INVALID_REQUEST, PARSE_ERROR}, None)


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_params_and_objects(http, depth):
    params = "[" * depth + "]" * depth
    body = f'{{"jsonrpc":"2.0","id":7,"method":"eth_getBalance","params":{params}}}'.encode()
    answer = one_answer(http(body))
    expected_error(answer, {INVALID_PARAMS, PARSE_ERROR}, None, check_id=False)
    nested = '{"a":' * depth + "1" + "}" * depth
    body = f'{{"jsonrpc":"2.0","id":8,"method":"eth_call","params":[{nested},"latest"]}}'.encode()
    answer = one_answer(http(body))
    expected_error(answer, {INVALID_PARAMS, PARSE_ERROR, SERVER_ERROR, 3}, None, check_id=False)


@pytest.mark.parametrize(
    "body, codes",
    [
        (b"", {PARSE_ERROR}),
        (b" ", {PARSE_ERROR}),
        (b"{", {PARSE_ERROR}),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId"', {PARSE_ERROR}),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}}', {PARSE_ERROR}),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId",}', {PARSE_ERROR}),
        (b"NaN", {PARSE_ERROR}),
        (b"[NaN]", {PARSE_ERROR}),
        (b'"\xff\xfe"', {PARSE_ERROR}),
        (b"\xef\xbb\xbf{}", {PARSE_ERROR, INVALID_REQUEST}),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":[1e999999,false]}', {PARSE_ERROR, INVALID_PARAMS}),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_getBalance","params":["\\ud800","latest"]}', {PARSE_ERROR, INVALID_PARAMS}),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId\\u0000"}', {METHOD_NOT_FOUND}),
        (b'{"jsonrpc":"2.0","id":1,"method":"' + b"x" * 100_000 + b'"}', {METHOD_NOT_FOUND}),
        (b"[]", {INVALID_REQUEST}),
        (b"null", {INVALID_REQUEST}),
        (b"12345678901234567890123456789012345678901234567890", {INVALID_REQUEST}),
        (b'"eth_chainId"', {INVALID_REQUEST}),
        (b'{"jsonrpc":"2.0","id":{},"method":"eth_chainId"}', {INVALID_REQUEST}),
        (b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":"0x1"}', {INVALID_PARAMS, INVALID_REQUEST}),
    ],
)
def test_fixed_malformed_bodies(http, body, codes):
    answer = one_answer(http(body))
    expected_error(answer, codes, None, check_id=False)


@pytest.mark.parametrize("method", ["eth_chainId", "eth_blockNumber", "net_version", "eth_gasPrice", "txpool_status"])
def test_methods_without_parameters_refuse_extra_ones(http, method):
    """go-ethereum: "too many arguments, want at most 0" (-32602)."""
    request = {"jsonrpc": "2.0", "id": 5, "method": method, "params": ["extra"]}
    expected_error(one_answer(http(json.dumps(request).encode())), {INVALID_PARAMS}, 5)


def test_huge_ids_and_batch_limit(http):
    answer = one_answer(http(b'{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"eth_chainId"}'))
    assert answer.get("result") == "0x539", answer
    batch = [{"jsonrpc": "2.0", "id": i, "method": "eth_chainId"} for i in range(1001)]
    answer = one_answer(http(json.dumps(batch).encode()))
    answers = answer if isinstance(answer, list) else [answer]
    assert any("error" in a for a in answers), "a batch over go-ethereum's 1,000 limit must be refused"
    batch = batch[:1000]
    answers = one_answer(http(json.dumps(batch).encode()))
    assert [a["id"] for a in answers] == list(range(1000))
    assert all(a["result"] == "0x539" for a in answers)


def test_oversized_body_is_413_with_json_rpc_error(http):
    filler = "0x" + "00" * ((BODY_LIMIT // 2) + 10)
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction", "params": [filler]}).encode()
    assert len(body) > BODY_LIMIT
    response = http(body)
    assert response.status_code == 413, (response.status_code, response.text[:300])
    expected_error(response.json(), {INVALID_REQUEST, -32600, SERVER_ERROR}, None, check_id=False)
    # Just under the limit is read and answered (a transaction that does not decode).
    under = "0x" + "00" * ((BODY_LIMIT - 200) // 2)
    body = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "eth_sendRawTransaction", "params": [under]}).encode()
    assert len(body) <= BODY_LIMIT
    answer = one_answer(http(body))
    expected_error(answer, {SERVER_ERROR, INVALID_PARAMS}, 2)


def test_wrong_http_usage(node):
    response = requests.get(node.url, timeout=10)
    assert response.status_code in (200, 405), response.status_code
    # A cross-site form or no-cors fetch can only send these content types: nothing runs.
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        response = requests.post(node.url, data=b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}',
                                 headers={"Content-Type": content_type}, timeout=10)
        assert response.status_code == 415, (content_type, response.status_code)
    # DNS rebinding: a page on another name that resolves to this machine.
    response = requests.post(node.url, data=b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}',
                             headers={"Content-Type": "application/json", "Host": "rebind.attacker.example"}, timeout=10)
    assert response.status_code == 403, response.status_code


def test_websocket_junk_frames(node):
    async def main():
        async with websockets.connect(node.ws_url, max_size=None) as ws:
            for frame, codes in [
                ("not json", {PARSE_ERROR}),
                ("[]", {INVALID_REQUEST}),
                ('{"jsonrpc":"2.0","id":1,"method":"nope"}', {METHOD_NOT_FOUND}),
                ('{"jsonrpc":"2.0","id":2,"method":"eth_subscribe","params":["noSuchKind"]}', {INVALID_PARAMS, SERVER_ERROR, METHOD_NOT_FOUND}),
                ('{"jsonrpc":"2.0","id":3,"method":"eth_unsubscribe","params":[17]}', {INVALID_PARAMS}),
                (b"\x00\x01\x02", {PARSE_ERROR}),
            ]:
                await ws.send(frame)
                answer = json.loads(await asyncio.wait_for(ws.recv(), 10))
                expected_error(answer, codes, None, check_id=False)
            await ws.send('{"jsonrpc":"2.0","id":9,"method":"eth_chainId"}')
            assert json.loads(await asyncio.wait_for(ws.recv(), 10)) == {"jsonrpc": "2.0", "id": 9, "result": "0x539"}

    asyncio.run(main())


# Method parameters at the edges of their types: quantities around 2^64 and 2^256,
# the widest block ranges, huge percentile lists and gas values. Every request must be
# answered (a result, or an error with a known code) and the node must keep serving.
EDGE_QUANTITIES = st.sampled_from([
    "0x0", "0x1", "0x7fffffffffffffff", "0x8000000000000000", "0xffffffffffffffff", "0x10000000000000000",
    "0x" + "f" * 64, "0x1" + "0" * 64,
]) | st.integers(0, 2**256 - 1).map(hex)
BLOCK_REFS = EDGE_QUANTITIES | st.sampled_from(["latest", "earliest", "pending", "safe", "finalized"])
ADDRESSES = st.sampled_from([ADDRESS, "0x" + "00" * 20, "0x" + "ff" * 20])
FILTERS = st.fixed_dictionaries({}, optional={
    "fromBlock": BLOCK_REFS, "toBlock": BLOCK_REFS, "address": ADDRESSES | st.lists(ADDRESSES, max_size=3),
    "topics": st.lists(st.none() | st.just(HASH) | st.lists(st.just(HASH), max_size=2), max_size=5),
})
CALLS = st.fixed_dictionaries({}, optional={
    "from": ADDRESSES, "to": ADDRESSES, "gas": EDGE_QUANTITIES, "gasPrice": EDGE_QUANTITIES,
    "maxFeePerGas": EDGE_QUANTITIES, "maxPriorityFeePerGas": EDGE_QUANTITIES, "value": EDGE_QUANTITIES,
    "nonce": EDGE_QUANTITIES, "data": st.sampled_from(["0x", "0x6001600101", "0x60006000f3"]),
})
PERCENTILES = st.lists(st.integers(-5, 200) | st.floats(-1, 101, allow_nan=False), max_size=120)
EDGE_PARAMS = st.one_of(
    st.tuples(st.just("eth_getLogs"), st.tuples(FILTERS)),
    st.tuples(st.just("eth_newFilter"), st.tuples(FILTERS)),
    st.tuples(st.just("eth_feeHistory"), st.tuples(EDGE_QUANTITIES, BLOCK_REFS, PERCENTILES)),
    st.tuples(st.just("eth_getBlockByNumber"), st.tuples(BLOCK_REFS, st.booleans())),
    st.tuples(st.just("eth_getTransactionByBlockNumberAndIndex"), st.tuples(BLOCK_REFS, EDGE_QUANTITIES)),
    st.tuples(st.just("eth_getBlockTransactionCountByNumber"), st.tuples(BLOCK_REFS)),
    st.tuples(st.just("eth_getBalance"), st.tuples(ADDRESSES, BLOCK_REFS)),
    st.tuples(st.just("eth_getStorageAt"), st.tuples(ADDRESSES, EDGE_QUANTITIES, BLOCK_REFS)),
    st.tuples(st.just("eth_getProof"), st.tuples(ADDRESSES, st.lists(EDGE_QUANTITIES, max_size=4), BLOCK_REFS)),
    st.tuples(st.just("eth_call"), st.tuples(CALLS, BLOCK_REFS)),
    st.tuples(st.just("eth_estimateGas"), st.tuples(CALLS)),
)


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=EDGE_PARAMS, request_id=st.integers(0, 2**31))
def test_edge_parameters_are_answered(http, case, request_id):
    method, params = case
    request = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": list(params)}
    answer = one_answer(http(json.dumps(request).encode()))
    assert answer.get("id") == request_id, answer
    if "error" in answer:
        expected_error(answer, PARAM_ERROR_CODES, request_id)
    else:
        assert "result" in answer, answer
        if method == "eth_newFilter":
            logs = one_answer(http(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_getFilterLogs",
                                               "params": [answer["result"]]}).encode()))
            assert "result" in logs or logs["error"]["code"] in PARAM_ERROR_CODES, logs
            http(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "eth_uninstallFilter", "params": [answer["result"]]}).encode())


def test_widest_log_range_is_refused_not_fatal(http):
    for method in ("eth_getLogs", "eth_newFilter"):
        request = {"jsonrpc": "2.0", "id": 7, "method": method, "params": [{"fromBlock": "0x0", "toBlock": "0xffffffffffffffff"}]}
        answer = one_answer(http(json.dumps(request).encode()))
        if method == "eth_newFilter":
            answer = one_answer(http(json.dumps({"jsonrpc": "2.0", "id": 7, "method": "eth_getFilterLogs",
                                                 "params": [answer["result"]]}).encode()))
        expected_error(answer, {-32005}, 7)
    assert one_answer(http(b'{"jsonrpc":"2.0","id":1,"method":"eth_chainId"}'))["result"] == "0x539"


def test_node_still_serves_after_fuzzing(node):
    started = time.monotonic()
    number = node.rpc_result("eth_blockNumber")
    assert int(number, 16) >= 0
    assert node.rpc_result("eth_chainId") == "0x539"
    assert time.monotonic() - started < 5
    assert node.process.poll() is None, "the node exited"
